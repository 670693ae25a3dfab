"""The shell's small exception hierarchy: infrastructure failures, each with a one-line reason."""


class IntakeError(Exception):
    """Base of the service's infrastructure errors; ``str()`` is a one-line reason for the operator."""


class MailboxError(IntakeError):
    """The mailbox (IMAP server, Maildir, file) could not be read."""


class StorageError(IntakeError):
    """The archive or the database could not store something."""


class MissingFolderError(MailboxError):
    """The IMAP folder to poll does not exist on the server (deleted, renamed, or a wrong setting)."""
