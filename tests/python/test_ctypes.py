"""telnum from Python through ctypes (standard library only): load the
shared library, parse a number, trigger a cool-off error and read its JSON
and its code, and find every operation of tests/vectors/operations.json in
the library under its C name.

    python3 tests/python/test_ctypes.py [path/to/libtelnum_c.so]
"""
import ctypes
import json
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "libtelnum_c.so")

OK, INVALID_INPUT, CONFLICT = 0, 5, 8


def load(path):
    lib = ctypes.CDLL(path)
    c = ctypes.c_char_p
    lib.telnum_parse_e164.argtypes = [c, ctypes.c_size_t, c, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
    lib.telnum_parse_e164.restype = ctypes.c_int
    lib.telnum_check_cool_off.argtypes = [c, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
    lib.telnum_check_cool_off.restype = ctypes.c_int
    lib.telnum_last_error.argtypes = []
    lib.telnum_last_error.restype = ctypes.c_void_p
    lib.telnum_string_free.argtypes = [ctypes.c_void_p]
    lib.telnum_string_free.restype = None
    lib.telnum_last_error_code.argtypes = []
    lib.telnum_last_error_code.restype = ctypes.c_int
    lib.telnum_error_code_name.argtypes = [ctypes.c_int]
    lib.telnum_error_code_name.restype = ctypes.c_char_p
    lib.telnum_version.argtypes = []
    lib.telnum_version.restype = ctypes.c_char_p
    return lib


def take(lib, ptr):
    """Copies a library-owned string and frees it with the library."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.telnum_string_free(ptr)


class CTypes(unittest.TestCase):
    lib = load(LIB)

    def parse(self, text, region=None):
        out = ctypes.c_void_p()
        data = text.encode("utf-8")
        reg = region.encode() if region else None
        status = self.lib.telnum_parse_e164(data, len(data), reg, len(reg) if reg else 0, ctypes.byref(out))
        return status, take(self.lib, out.value) if status == OK else None

    def test_parse(self):
        status, result = self.parse("(415) 555-2671", "US")
        self.assertEqual(status, OK)
        info = json.loads(result)
        self.assertEqual(info["e164"], "+14155552671")
        self.assertEqual(info["region"], "US")
        # Non-ASCII input crosses as UTF-8.
        status, result = self.parse("＋４４ ２０ ７１８３ ８７５０")
        self.assertEqual(json.loads(result)["e164"], "+442071838750")

    def test_errors_are_coded_json(self):
        status, _ = self.parse("12")
        self.assertEqual(status, INVALID_INPUT)
        err = json.loads(take(self.lib, self.lib.telnum_last_error()))
        self.assertEqual(err["code"], "region_required")

    def test_cool_off_error(self):
        args = json.dumps({"last_call_at": "2026-05-01T00:00:00Z", "now": "2026-05-10T00:00:00Z"}).encode()
        out = ctypes.c_void_p()
        status = self.lib.telnum_check_cool_off(args, len(args), ctypes.byref(out))
        self.assertEqual(status, CONFLICT)
        self.assertIsNone(out.value, "out-params are written only on success")
        err = json.loads(take(self.lib, self.lib.telnum_last_error()))
        self.assertEqual(err["code"], "did_cool_off_in_effect")
        self.assertEqual(err["status"], 409)
        self.assertEqual(err["cool_off_until"], "2026-05-16T00:00:00Z")
        self.assertEqual(err["cool_off_remaining_seconds"], 6 * 86400)
        # The same code without parsing JSON.
        code = self.lib.telnum_last_error_code()
        self.assertEqual(self.lib.telnum_error_code_name(code).decode(), "did_cool_off_in_effect")

    def test_every_operation_is_in_the_library(self):
        with open(os.path.join(ROOT, "tests", "vectors", "operations.json"), encoding="utf-8") as f:
            ops = json.load(f)
        missing = [op["c"] for op in ops if not hasattr(self.lib, op["c"])]
        self.assertEqual(missing, [])
        self.assertRegex(self.lib.telnum_version().decode(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0]], exit=False).result
    ran = result.testsRun
    bad = len(result.failures) + len(result.errors)
    print(f"python: {ran - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)
