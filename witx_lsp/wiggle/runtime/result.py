"""`Ok` / `Err`: what an implementation method returns for an `expected`
result (the Rust trait's `Result<T, E>`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, Union

# Covariant: the values are read-only, so an Ok[Literal["x"]] is an Ok[str].
T = TypeVar("T", covariant=True)
E = TypeVar("E", covariant=True)


@dataclass(frozen=True, slots=True)
class Ok(Generic[T]):
    value: T


@dataclass(frozen=True, slots=True)
class Err(Generic[E]):
    error: E


Result = Union[Ok[T], Err[E]]  # noqa: UP007 (a generic alias, subscripted as Result[T, E])
