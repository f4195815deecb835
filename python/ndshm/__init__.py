"""ndshm -- N-dimensional arrays shared live between processes, from Python.

A thin ctypes layer over libndshm (no compiled extension).  Arrays live in
a store (a directory; by default /dev/shm/ndshm-$UID) and are named; a view
is a named window over an array (NumPy basic indexing stored by name), so a
write through a view is a write to the array, seen at once by every process
-- C programs, the ndshm tool and other Python processes alike.

    >>> import ndshm
    >>> st = ndshm.Store()
    >>> st.create("arr", (3,), "int64")
    >>> st.view("v", "arr[1:]")
    >>> a = st["v"]              # a numpy.ndarray over the shared memory
    >>> a[0] = 10                # st["arr"] is now [0, 10, 0], everywhere

`store[expr]` returns a numpy.ndarray that shares memory with the store; it
keeps the array mapped for as long as it, or any slice of it, exists.
`store[expr] = value` is `ndshm set`: broadcast as NumPy broadcasts,
checked as ndshm checks (300 into uint8 is refused, nothing written),
written under the window's exclusive lock, waking waiters.  Writes made
through an ndarray are plain memory stores: call store.notify(expr) after
them if others wait for changes.
Read-only views come back read-only.  Errors are exceptions that carry
ndshm's message: KeyError for a missing name, FileExistsError, ValueError,
IndexError, PermissionError (read-only), TimeoutError, OSError.
"""
import ctypes
import ctypes.util
import errno
import os

import numpy as np

__all__ = ["Store", "Error", "load_library"]

# ---- the library ------------------------------------------------------------


def _candidates():
    env = os.environ.get("NDSHM_LIBRARY")
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    # a source tree built in place, or in build/ by ./quickstart
    for build in ("", "build"):
        yield os.path.join(here, "..", "..", build, "lib", ".libs",
                           "libndshm.so")
    # an installed package: where `make install` put the library
    try:
        from . import _installed
        yield os.path.join(_installed.LIBDIR, _installed.SONAME)
    except ImportError:
        pass
    found = ctypes.util.find_library("ndshm")
    if found:
        yield found
    yield "libndshm.so.0"


def load_library():
    """Load libndshm: $NDSHM_LIBRARY, a build tree beside this package,
    the library installed with it, or one the dynamic linker finds."""
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("cannot load libndshm (set NDSHM_LIBRARY): "
                      + "; ".join(errors))


_lib = load_library()

_c_store_p = ctypes.c_void_p
_c_array_p = ctypes.c_void_p
_i64p = ctypes.POINTER(ctypes.c_int64)
_LIST_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)


def _proto(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_strerror = _proto("ndshm_strerror", ctypes.c_char_p, ctypes.c_int)
_errmsg = _proto("ndshm_errmsg", ctypes.c_char_p)
_dtype_parse = _proto("ndshm_dtype_parse", ctypes.c_int, ctypes.c_char_p,
                      ctypes.POINTER(ctypes.c_int))
_dtype_descr = _proto("ndshm_dtype_descr", ctypes.c_char_p, ctypes.c_int)
_store_open = _proto("ndshm_store_open", ctypes.c_int,
                     ctypes.POINTER(_c_store_p), ctypes.c_char_p,
                     ctypes.c_uint)
_store_close = _proto("ndshm_store_close", None, _c_store_p)
_store_path = _proto("ndshm_store_path", ctypes.c_char_p, _c_store_p)
_create = _proto("ndshm_array_create", ctypes.c_int, _c_store_p,
                 ctypes.c_char_p, ctypes.c_int, ctypes.c_int, _i64p,
                 ctypes.c_void_p, ctypes.c_uint)
_create_from = _proto("ndshm_array_create_from_buffer", ctypes.c_int,
                      _c_store_p, ctypes.c_char_p, ctypes.c_int,
                      ctypes.c_int, _i64p, ctypes.c_void_p, _i64p,
                      ctypes.c_uint)
_view_create = _proto("ndshm_view_create", ctypes.c_int, _c_store_p,
                      ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint)
_copy = _proto("ndshm_copy", ctypes.c_int, _c_store_p, ctypes.c_char_p,
               ctypes.c_char_p, ctypes.c_uint)
_remove = _proto("ndshm_remove", ctypes.c_int, _c_store_p, ctypes.c_char_p)
_list = _proto("ndshm_list", ctypes.c_int, _c_store_p, _LIST_FN,
               ctypes.c_void_p)
_open = _proto("ndshm_array_open", ctypes.c_int, ctypes.POINTER(_c_array_p),
               _c_store_p, ctypes.c_char_p, ctypes.c_uint)
_close = _proto("ndshm_array_close", None, _c_array_p)
_data = _proto("ndshm_array_data", ctypes.c_void_p, _c_array_p)
_adtype = _proto("ndshm_array_dtype", ctypes.c_int, _c_array_p)
_ndim = _proto("ndshm_array_ndim", ctypes.c_int, _c_array_p)
_shape = _proto("ndshm_array_shape", _i64p, _c_array_p)
_strides = _proto("ndshm_array_strides", _i64p, _c_array_p)
_readonly = _proto("ndshm_array_readonly", ctypes.c_int, _c_array_p)
_is_view = _proto("ndshm_array_is_view", ctypes.c_int, _c_array_p)
_base = _proto("ndshm_array_base", ctypes.c_char_p, _c_array_p)
_path = _proto("ndshm_array_path", ctypes.c_char_p, _c_array_p)
_offset = _proto("ndshm_array_offset", ctypes.c_int64, _c_array_p)
_id = _proto("ndshm_array_id", ctypes.c_uint64, _c_array_p)
_version = _proto("ndshm_array_version", ctypes.c_uint64, _c_array_p)
_notify = _proto("ndshm_array_notify", None, _c_array_p)
_wait = _proto("ndshm_array_wait", ctypes.c_int, _c_array_p,
               ctypes.c_uint64, ctypes.c_double,
               ctypes.POINTER(ctypes.c_uint64))
_import = _proto("ndshm_npy_import", ctypes.c_int, _c_store_p,
                 ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint)
_export = _proto("ndshm_npy_export", ctypes.c_int, _c_array_p,
                 ctypes.c_char_p, ctypes.c_uint)
_lock = _proto("ndshm_array_lock", ctypes.c_int, _c_array_p, ctypes.c_int,
               ctypes.c_double)
_unlock = _proto("ndshm_array_unlock", ctypes.c_int, _c_array_p)
_write = _proto("ndshm_array_write", ctypes.c_int, _c_array_p,
                ctypes.c_void_p, _i64p)
_convert = _proto("ndshm_convert", ctypes.c_int, ctypes.c_int,
                  ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                  ctypes.c_size_t)

READONLY = 0x1  # NDSHM_READONLY

# ---- errors -----------------------------------------------------------------


class Error(Exception):
    """An ndshm failure: .code is the NDSHM_E* code, str() the message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code

    def __str__(self):
        return self.args[0]


def _subclass(name, builtin):
    return type(name, (Error, builtin), {})


# One exception class per code, each also the builtin a Python user expects.
NotFoundError = _subclass("NotFoundError", KeyError)
ExistsError = _subclass("ExistsError", FileExistsError)
InvalidError = _subclass("InvalidError", ValueError)
RangeError = _subclass("RangeError", ValueError)
IndexOutOfBoundsError = _subclass("IndexOutOfBoundsError", IndexError)
ReadOnlyError = _subclass("ReadOnlyError", PermissionError)
WaitTimeout = _subclass("WaitTimeout", TimeoutError)
NoSpaceError = _subclass("NoSpaceError", OSError)
CorruptError = _subclass("CorruptError", RuntimeError)
SystemError_ = _subclass("SystemError", OSError)
UnsafeStoreError = _subclass("UnsafeStoreError", PermissionError)

_CLASSES = {
    -1: InvalidError, -2: NotFoundError, -3: ExistsError, -4: NoSpaceError,
    -5: ReadOnlyError, -6: RangeError, -7: IndexOutOfBoundsError,
    -8: CorruptError, -9: CorruptError, -10: MemoryError, -11: SystemError_,
    -12: WaitTimeout, -13: RuntimeError, -14: UnsafeStoreError,
}


def _raise(code):
    message = (_errmsg() or _strerror(code)).decode("utf-8", "replace")
    cls = _CLASSES.get(code, Error)
    if cls in (MemoryError, RuntimeError):
        raise cls(message)
    if cls is NoSpaceError:
        e = cls(code, message)
        e.errno = errno.ENOSPC
        raise e
    raise cls(code, message)


def _check(code):
    if code != 0:
        _raise(code)


def _b(text, what="name"):
    """text as the C library's bytes.  C strings end at a NUL, so a NUL
    inside would silently cut the name (or expression, or path) short: it
    is refused instead, as the tool refuses it."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if b"\0" in data:
        shown = "".join(chr(c) if 0x20 <= c < 0x7f else "\\x%02x" % c
                        for c in data)
        raise InvalidError(-1, "invalid %s '%s': it holds a NUL byte"
                           % (what, shown))
    return data


# ---- dtypes -----------------------------------------------------------------


def _ndshm_dtype(dtype):
    """The ndshm dtype code of anything numpy.dtype() accepts."""
    dt = np.dtype(dtype)
    if dt.byteorder == ">":
        raise InvalidError(-1, "big-endian dtype %s: ndshm stores "
                           "little-endian data" % dt.str)
    code = ctypes.c_int()
    _check(_dtype_parse(_b(dt.newbyteorder("<").str
                           if dt.byteorder == "=" else dt.str),
                        ctypes.byref(code)))
    return code.value


def _numpy_dtype(code):
    return np.dtype(_dtype_descr(code).decode())


def _converted(value, code):
    """value as an array of ndshm dtype code, converted by the library
    with its checks (300 never becomes 44 in uint8), as `ndshm set` and
    `ndshm create --fill` convert."""
    v = np.array(value, order="C")
    if v.dtype.byteorder == ">":
        v = v.astype(v.dtype.newbyteorder("<"))
    if v.dtype == object:
        raise RangeError(-6, "value %r does not fit any ndshm dtype" %
                         (value,))
    out = np.empty(v.shape, _numpy_dtype(code))
    _check(_convert(code, out.ctypes.data, _ndshm_dtype(v.dtype),
                    v.ctypes.data, v.size))
    return out


def _compact(shape):
    return "(%s%s)" % (",".join(str(n) for n in shape),
                       "," if len(shape) == 1 else "")


def _broadcast(value, shape):
    """value broadcast to shape as NumPy assignment does: leading
    length-1 dimensions of the value may go; ValueError with NumPy's
    message when it does not broadcast."""
    v = value
    while v.ndim > len(shape) and v.shape[0] == 1:
        v = v[0]
    try:
        return np.broadcast_to(v, shape)
    except ValueError:
        raise InvalidError(-1, "could not broadcast input array from shape "
                           "%s into shape %s" % (_compact(value.shape),
                                                 _compact(shape))) from None


# ---- open windows -------------------------------------------------------------


class _Window:
    """One open ndshm_array handle.  numpy.asarray() of it is an ndarray
    over the shared mapping whose .base is this object, so the handle --
    and the mapping -- live as long as the array or any slice of it."""

    def __init__(self, handle, expr):
        self._handle = handle
        self.expr = expr
        h = handle
        ndim = _ndim(h)
        self.shape = tuple(_shape(h)[i] for i in range(ndim))
        self.strides = tuple(_strides(h)[i] for i in range(ndim))
        self.dtype = _numpy_dtype(_adtype(h))
        self.readonly = bool(_readonly(h))
        data = _data(h) or 0
        # NumPy reads the pointer and flags from here; a read-only array
        # whose base has no writable buffer can never be made writable.
        self.__array_interface__ = {
            "version": 3,
            "shape": self.shape,
            "typestr": self.dtype.str,
            "data": (data, self.readonly),
            "strides": self.strides,
        }

    def __del__(self):
        if getattr(self, "_handle", None):
            _close(self._handle)
            self._handle = None


# ---- the store ----------------------------------------------------------------


class Store:
    """A store of shared arrays: Store() for the default one
    ($NDSHM_STORE, else /dev/shm/ndshm-$UID), Store(path) for another."""

    def __init__(self, path=None):
        st = _c_store_p()
        _check(_store_open(ctypes.byref(st),
                           _b(os.fspath(path), "store directory")
                           if path else None, 0))
        self._st = st
        self.path = _store_path(st).decode()

    def close(self):
        """Close the store.  Arrays obtained from it stay usable."""
        if getattr(self, "_st", None):
            _store_close(self._st)
            self._st = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "ndshm.Store(%r)" % self.path

    def _open(self, expr, readonly=False):
        h = _c_array_p()
        _check(_open(ctypes.byref(h), self._st, _b(expr, "expression"),
                     READONLY if readonly else 0))
        return h

    # -- making and removing names

    def create(self, name, shape, dtype="float64", fill=None):
        """Create array name of shape and dtype, zeros or fill (a scalar or
        anything that broadcasts to shape)."""
        shape = (shape,) if np.isscalar(shape) else tuple(shape)
        code = _ndshm_dtype(dtype)
        dims = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        if fill is None:
            _check(_create(self._st, _b(name), code, len(shape), dims, None,
                           0))
            return
        cast = _converted(fill, code)
        if cast.ndim == 0:
            _check(_create(self._st, _b(name), code, len(shape), dims,
                           cast.ctypes.data, 0))
            return
        src = _broadcast(cast, shape)
        strides = (ctypes.c_int64 * max(len(shape), 1))(*src.strides)
        _check(_create_from(self._st, _b(name), code, len(shape), dims,
                            src.ctypes.data, strides, 0))

    def create_from(self, name, array):
        """Create array name as a copy of a NumPy array (any layout)."""
        a = np.asarray(array)
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("<"))
        code = _ndshm_dtype(a.dtype)
        n = max(a.ndim, 1)
        dims = (ctypes.c_int64 * n)(*a.shape)
        strides = (ctypes.c_int64 * n)(*a.strides)
        _check(_create_from(self._st, _b(name), code, a.ndim, dims,
                            a.ctypes.data if a.size else None, strides, 0))

    def view(self, name, expr, readonly=False):
        """Create view name over the window expr denotes ("arr[1:, ::2]")."""
        _check(_view_create(self._st, _b(name), _b(expr, "expression"),
                            READONLY if readonly else 0))

    def copy(self, name, expr):
        """Create array name as an independent copy of expr."""
        _check(_copy(self._st, _b(name), _b(expr, "expression"), 0))

    def remove(self, name):
        """Remove a name (an array's data lives on while views use it)."""
        _check(_remove(self._st, _b(name)))

    __delitem__ = remove

    def load(self, name, path):
        """Create array name from a .npy file."""
        _check(_import(self._st, _b(name), _b(os.fspath(path), "path"), 0))

    def save(self, expr, path):
        """Write the window expr as a .npy file."""
        h = self._open(expr, readonly=True)
        try:
            _check(_export(h, _b(os.fspath(path), "path"), 0))
        finally:
            _close(h)

    # -- looking

    def list(self):
        """The names of every array and view, in order."""
        names = []

        @_LIST_FN
        def collect(name, ctx):
            names.append(name.decode())
            return 0

        _check(_list(self._st, collect, None))
        return names

    def __contains__(self, name):
        try:
            _close(self._open(name, readonly=True))
            return True
        except KeyError:
            return False

    def info(self, expr):
        """What `ndshm info --json` says of expr, as a dict."""
        try:  # read-write when we may: then "readonly" is the view's own
            h = self._open(expr)
        except SystemError_:
            h = self._open(expr, readonly=True)
        try:
            base = _base(h)
            ndim = _ndim(h)
            return {
                "name": expr,
                "kind": "view" if _is_view(h) else "array",
                "base": base.decode() if base else None,
                "dtype": _dtype_descr(_adtype(h)).decode(),
                "shape": [_shape(h)[i] for i in range(ndim)],
                "strides": [_strides(h)[i] for i in range(ndim)],
                "offset": _offset(h),
                "path": _path(h).decode(),
                "readonly": bool(_readonly(h)),
                "id": _id(h),
                "version": _version(h),
            }
        finally:
            _close(h)

    

    def __getitem__(self, expr):
        """A numpy.ndarray sharing memory with the window expr."""
        return self.array(expr)

    def array(self, expr, readonly=False):
        """As store[expr]; readonly=True maps it read-only."""
        return np.asarray(_Window(self._open(expr, readonly), expr))

    def __setitem__(self, expr, value):
        """store[expr] = value: what `ndshm set` does.  The value is
        broadcast as NumPy broadcasts and converted with ndshm's checks
        (300 into uint8 is a ValueError, not 44) before anything is
        written; the write holds the window's exclusive lock and wakes
        waiters.  PermissionError for a read-only window."""
        h = self._open(expr)
        try:
            if _readonly(h):
                raise ReadOnlyError(-5, "'%s' is read-only" % expr)
            ndim = _ndim(h)
            shape = tuple(_shape(h)[i] for i in range(ndim))
            src = _broadcast(_converted(value, _adtype(h)), shape)
            strides = (ctypes.c_int64 * max(ndim, 1))(*src.strides)
            _check(_lock(h, 2, -1.0))  # NDSHM_LOCK_EXCLUSIVE
            try:
                _check(_write(h, src.ctypes.data, strides))
            finally:
                _unlock(h)
        finally:
            _close(h)

    # -- changes

    def version(self, expr):
        """The change counter of the array expr looks into."""
        h = self._open(expr, readonly=True)
        try:
            return _version(h)
        finally:
            _close(h)

    def notify(self, expr):
        """Tell waiters that expr changed (after writes through an ndarray)."""
        h = self._open(expr)
        try:
            _notify(h)
        finally:
            _close(h)

    def wait(self, expr, version, timeout=None):
        """Wait until the version of expr differs from version (returns at
        once if it already does) and return the new version.  timeout in
        seconds (None: for ever); TimeoutError when it passes."""
        h = self._open(expr, readonly=True)
        try:
            now = ctypes.c_uint64()
            _check(_wait(h, version, -1.0 if timeout is None else timeout,
                         ctypes.byref(now)))
            return now.value
        finally:
            _close(h)
