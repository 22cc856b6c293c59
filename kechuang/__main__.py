"""The `kechuang` console script: the project's manage.py.

`kechuang --as USER COMMAND …` runs any command on behalf of the account USER: what it writes is chained
under USER (and the OS account in the address, `cli:<os user>`), and USER's rights apply to privileged
acts. Without `--as`, a command acts as the OS account, chained as `os:<os user>`."""
import getpass
import os
import sys


def _split_as(argv: list[str]) -> tuple[str | None, list[str]]:
    rest, username = [], None
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--as":
            username = next(arguments, "")
        elif argument.startswith("--as="):
            username = argument.split("=", 1)[1]
        else:
            rest.append(argument)
    return username, rest


def command_actor(username: str | None):
    """The Actor a command writes under: the account named by `--as`, or the OS account."""
    from django.contrib.auth import get_user_model

    from kechuang.core.audit import Actor

    os_user = getpass.getuser()
    if username is None:
        return Actor(f"os:{os_user}", f"cli:{os_user}", pinned=True)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise SystemExit(f"--as {username}: no active account of that name")
    return Actor(user.get_username(), f"cli:{os_user}", user, pinned=True)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django
    from django.core.management import execute_from_command_line

    username, arguments = _split_as(list(sys.argv[1:] if argv is None else argv))
    program = os.path.basename(sys.argv[0]) or "kechuang"
    django.setup()
    from kechuang.core.audit import reset_actor, set_actor

    token = set_actor(command_actor(username))
    try:
        execute_from_command_line([program, *arguments])
    finally:
        reset_actor(token)


if __name__ == "__main__":
    main()
