class PledgeError(Exception):
    """A domain rule was broken.

    `code` is stable and meant for programs and tests; `message` is the
    Indonesian sentence shown to the person who caused it.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self):
        return self.message
