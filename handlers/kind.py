"""What one kind of mail is: its name, its group, its reference code, its fields and how to find them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

Group = Literal["submission", "question", "robot", "other"]


@dataclass(frozen=True)
class FieldInput:
    """What a kind's field extractor reads: the sender's own text and who sent it."""

    text: str
    sender_name: str = ""
    sender_address: str = ""


@dataclass(frozen=True)
class Kind:
    """One category of mail. Its phrases are the data file ``config/phrases/<name>.toml``, if it has one."""

    name: str
    group: Group
    code: str | None = None  # the reference code of its acknowledgments; None: never acknowledged
    contract: type[BaseModel] | None = None  # the fields staff may edit, and their rules
    extract: Callable[[FieldInput], dict[str, Any]] | None = None  # the fields besides the country

    @property
    def acknowledged(self) -> bool:
        """Whether the sender gets an acknowledgment."""
        return self.code is not None

    @property
    def has_deadline(self) -> bool:
        """Whether the events file may give this kind a deadline."""
        return self.group == "submission"
