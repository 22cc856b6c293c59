"""The policy rule engine: rule sets as YAML data, one evaluator that explains a single profile and
one vectorised (Polars) evaluator that screens many. Pure Python; no Django needed."""
from .bulk import evaluate_bulk, evaluate_frames, frames_from_normalized, profiles_to_frames
from .errors import ProfileError, RuleSetError, UnknownRuleSet
from .loader import compile_text, load_dir, load_file
from .profile import apply_change, normalize, validate_profile
from .registry import Registry, default_registry, get_ruleset


def evaluate(profile, ruleset, as_of, *, gaps=True):
    """Evaluate one profile (dict in the public format) against a rule set (object or key)."""
    if isinstance(ruleset, str):
        ruleset = get_ruleset(ruleset, as_of=as_of)
    return ruleset.evaluate(profile, as_of, gaps=gaps)


__all__ = ["evaluate", "evaluate_bulk", "evaluate_frames", "profiles_to_frames", "frames_from_normalized",
           "ProfileError", "RuleSetError", "UnknownRuleSet", "compile_text", "load_file", "load_dir",
           "apply_change", "normalize", "validate_profile", "Registry", "default_registry", "get_ruleset"]
