"""A small document touching every node kind of both renderers, with its
renderings derived by hand from witx-language.md §10 and §11."""

from __future__ import annotations

SAMPLE = """\
;;; File sizes.
(typename $size u32)
(typename $alias $size)
;;; Error codes; see `errno::2big` and `nope`.
(typename $errno
  (enum (@witx tag u16)
    ;;; Fine.
    $success
    $2big))
(typename $fl (flags (@witx repr u8) $a $b))
(typename $rec (record
  ;;; First.
  (field $x u8)
  (field $y u64)))
(typename $u (union $size $errno))
(typename $fd (handle))
(typename $c8 (list (@witx char8)))
(@witx const $size $max 7)
;;; Module docs are not printed in docs.md.
(module $m
  (import "memory" (memory))
  ;;; Does `f` things; see `fd
  (@interface func (export "f")
    ;;; The handle.
    (param $h $fd)
    (param $s string)
    (result $error (expected (tuple $size $size) (error $errno)))))
"""

SAMPLE_SEXPR = """\
(;; File sizes.
 ;) (typename $size u32)
(typename $alias $size)
(;; Error codes; see `errno::2big` and `nope`.
 ;) (typename $errno (enum (@witx tag u16) (;; Fine.
 ;) $success $2big))
(typename $fl (flags (@witx repr u8) $a $b))
(typename $rec (record (;; First.
 ;) (field $x u8) (field $y u64)))
(typename $u (variant (@witx tag u32) (case $0 $size) (case $1 $errno)))
(typename $fd (handle))
(typename $c8 (list (@witx char8)))
(;; Module docs are not printed in docs.md.
 ;) (module $m (import "memory" (memory)) (;; Does `f` things; see `fd
 ;) (@interface func (export "f") (;; The handle.
 ;) (param $h $fd) (param $s (list char)) (result $error (variant (@witx tag u32) \
(case $ok (tuple $size $size)) (case $err $errno)))))
"""

# The function's docs end in a backtick that is never closed: the reference drops
# the rest of the text, newline included, so "see " runs into the next heading line.
SAMPLE_MD = """\
# Types
## <a href="#size" name="size"></a> `size`: `u32`
File sizes.

Size: 4

Alignment: 4

### Constants
- <a href="#size.max" name="size.max"></a> `max`

## <a href="#alias" name="alias"></a> `alias`: [`size`](#size)

Size: 4

Alignment: 4

## <a href="#errno" name="errno"></a> `errno`: `Variant`
Error codes; see [`errno::2big`](#errno.2big) and `nope`.

Size: 2

Alignment: 2

### Variant cases
- <a href="#errno.success" name="errno.success"></a> `success`
Fine.

- <a href="#errno.2big" name="errno.2big"></a> `2big`

## <a href="#fl" name="fl"></a> `fl`: `Record`

Size: 1

Alignment: 1

### Record members
- <a href="#fl.a" name="fl.a"></a> `a`: `bool`

Bit: 0

- <a href="#fl.b" name="fl.b"></a> `b`: `bool`

Bit: 1

## <a href="#rec" name="rec"></a> `rec`: `Record`

Size: 16

Alignment: 8

### Record members
- <a href="#rec.x" name="rec.x"></a> `x`: `u8`
First.

Offset: 0

- <a href="#rec.y" name="rec.y"></a> `y`: `u64`

Offset: 8

## <a href="#u" name="u"></a> `u`: `Variant`

Size: 8

Alignment: 4

### Variant Layout
- size: 8
- align: 4
- tag_size: 4
### Variant cases
- <a href="#u.0" name="u.0"></a> `0`: [`size`](#size)

- <a href="#u.1" name="u.1"></a> `1`: [`errno`](#errno)

## <a href="#fd" name="fd"></a> `fd`: `Handle`

Size: 4

Alignment: 4

### Supertypes
## <a href="#c8" name="c8"></a> `c8`: `List<u8>`

Size: 8

Alignment: 4

# Modules
## <a href="#m" name="m"></a> m
### Imports
#### Memory
### Functions

---

#### <a href="#f" name="f"></a> `f(h: fd, s: string) -> Result<(size, size), errno>`
Does [`f`](#f) things; see\x20
##### Params
- <a href="#f.h" name="f.h"></a> `h`: [`fd`](#fd)
The handle.

- <a href="#f.s" name="f.s"></a> `s`: `string`

##### Results
- <a href="#f.error" name="f.error"></a> `error`: `Result<(size, size), errno>`

###### Variant Layout
- size: 12
- align: 4
- tag_size: 4
###### Variant cases
- <a href="#f.error.ok" name="f.error.ok"></a> `ok`: `(size, size)`

####### Record members
- <a href="#f.error.ok.0" name="f.error.ok.0"></a> `0`: [`size`](#size)

Offset: 0

- <a href="#f.error.ok.1" name="f.error.ok.1"></a> `1`: [`size`](#size)

Offset: 4

- <a href="#f.error.err" name="f.error.err"></a> `err`: [`errno`](#errno)

"""
