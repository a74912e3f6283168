"""``python -m nx_codegen coverage [--target opencl]``: how the C backend (or
the OpenCL one) computes each op of the registry (:mod:`nx_codegen.c.coverage`);
``python -m nx_codegen devices``: the
OpenCL platforms and devices, with the types each can compute."""

from __future__ import annotations

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nx_codegen", description=__doc__)
    parser.add_argument("command", choices=["coverage", "devices"])
    parser.add_argument("--target", choices=["c", "opencl"], default="c",
                        help="the code generator whose coverage is printed")
    args = parser.parse_args(argv)
    if args.command == "coverage":
        from nx_codegen.c.coverage import table
        print(table(args.target))
    else:
        from nx_codegen.opencl.compiler import devices_table
        print(devices_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
