"""The demo district's screening: every enterprise against every tier's rule set as of the demo date, as
the nightly `kechuang screen` would have left it (contract in `kechuang.demo`)."""
from kechuang.demo import register
from kechuang.policy.models import ScreeningRun
from kechuang.policy.services import screen


@register("policy", after=("registry",))
def populate(context) -> None:
    if not ScreeningRun.objects.filter(as_of=context.as_of).exists():
        run = screen(context.as_of)
        context.stdout.write(f"policy: screening as of {run.as_of}, {run.counts['enterprises']} enterprises × {len(run.counts['rulesets'])} rule sets\n")
