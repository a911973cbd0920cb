class ConfigError(Exception):
    """Settings that cannot be used; each problem is one sentence naming the variable and the fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"- {problem}" for problem in self.problems))
