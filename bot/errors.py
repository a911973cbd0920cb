class ConfigError(Exception):
    """Settings that cannot be used; each problem is one sentence naming the variable and the fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"- {problem}" for problem in self.problems))


class StartupError(Exception):
    """Something outside Qiao (Discord, the database) that stops it starting, told as one line: what went
    wrong and what the self-hoster can do about it. `python -m bot` prints it instead of a traceback."""

    def __init__(self, problem: str, fix: str) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}. {fix}" + ("" if fix.endswith(".") else "."))
