"""What the fix command handles: findings from mypy, edits to files, imports to add."""

from __future__ import annotations

from dataclasses import dataclass, field

ANNOTATION_CODES: tuple[str, ...] = (
    "ltk-untyped-module-var",
    "ltk-untyped-attribute",
    "ltk-missing-return-annotation",
    "ltk-missing-param-annotation",
)
FIXABLE_CODES: tuple[str, ...] = (*ANNOTATION_CODES, "ltk-optional-union")


@dataclass(frozen=True)
class Diagnostic:
    """One line of mypy's ``-O json`` output."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    code: str
    severity: str

    @property
    def is_ltk(self) -> bool:
        """Reported by this plugin."""
        return self.code.startswith("ltk")


@dataclass(frozen=True)
class Import:
    """``from module import name``, at run time or under ``if TYPE_CHECKING:``."""

    module: str
    name: str
    type_checking: bool


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets in the original text)."""

    start: int
    end: int
    text: str


@dataclass
class Fix:
    """The edits that fix one finding, and the lines mypy errors there are blamed on."""

    finding: Diagnostic
    edits: list[Edit]
    imports: list[Import] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0
