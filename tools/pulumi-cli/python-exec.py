"""Runs one Pulumi Python program for pulumi-language-python (python-language-host.ts).

The Go host runs its own `pulumi-language-python-exec`, which ships with the host rather than with
the `pulumi` package on PyPI; this is the same contract written for this project: read the engine's
flags, load config from PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS, configure the runtime, run the
program as `__main__` inside the stack, and exit 0 on success or 32 once the error has been logged
through the engine (the host turns 32 into "bail": the CLI shows the logged error and nothing more).
"""

import argparse
import asyncio
import logging
import os
import runpy
import signal
import sys
import traceback

# Exit code of a program whose error the engine has already shown (the Node SDK's cmd/run uses it too).
EXIT_AFTER_REPORTED_ERROR = 32

# pulumi.runtime.settings.grpc_error_to_exception's message for a resource monitor that has shut down.
MONITOR_TERMINATED = "Resource monitor has terminated, shutting down"

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        "The Pulumi Python SDK is not installed for " + sys.executable + ". Install it in the program's "
        "virtualenv (Pulumi.yaml runtime.options.virtualenv) with pip, e.g. `pip install pulumi`.",
        file=sys.stderr,
    )
    sys.exit(1)


def engine_gone(e: BaseException) -> bool:
    """A raw gRPC error of a call the engine no longer answers (it shut down, or cancelled the call)."""
    try:
        import grpc
    except ImportError:
        return False
    if not isinstance(e, grpc.RpcError):
        return False
    code = getattr(e, "code", None)
    try:
        return callable(code) and code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
    except Exception:
        return False


def monitor_terminated(e: BaseException) -> bool:
    """Whether the engine's shutdown is anywhere in the exception's chain (cause or context): the
    SDK's RunError for it, or, where an RPC failed outside the SDK's translation, the raw gRPC error
    (UNAVAILABLE or CANCELLED) it comes from."""
    seen = set()
    current = e
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if MONITOR_TERMINATED in str(current) or engine_gone(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def report(e: Exception) -> None:
    """Logs the program's error through the engine; if the engine is gone meanwhile, on stderr."""
    text = str(e) if isinstance(e, pulumi.RunError) else "Program failed with an unhandled exception:\n" + traceback.format_exc()
    try:
        pulumi.log.error(text)
    except Exception:
        print(text, file=sys.stderr)


def on_interrupt(_signum, _frame) -> None:
    """SIGINT: the CLI ends a program it no longer waits for (the engine stopped after reporting why,
    e.g. a check failure) by interrupting the plugin's process group. Python's default, a
    KeyboardInterrupt wherever the program is unwinding, printed a traceback into the run's output
    and exited 1 ("Program exited with non-zero exit code"). A user's Ctrl-C reaches the CLI too,
    which reports the cancellation itself; so: leave at once, as a program whose error is reported."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_AFTER_REPORTED_ERROR)


def main() -> int:
    signal.signal(signal.SIGINT, on_interrupt)
    parser = argparse.ArgumentParser(description="Run a Pulumi Python program")
    for name in ("project", "stack", "organization", "parallel", "dry_run", "pwd", "monitor", "engine", "root_directory", "tracing"):
        parser.add_argument("--" + name)
    parser.add_argument("PROGRAM")
    parser.add_argument("ARGS", nargs="*")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=int(args.parallel) if args.parallel else None,
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )
    sys.argv = [args.PROGRAM] + args.ARGS
    if args.pwd:
        os.chdir(args.pwd)
    # A folder program runs its __main__.py with the folder importable, as `python <folder>` would.
    program = args.PROGRAM
    if os.path.isdir(program):
        sys.path.insert(0, program)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Outputs left unresolved after a failure make asyncio log "never retrieved" noise; the error
    # that matters is reported through the engine below.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        return 0
    except asyncio.CancelledError:
        # A BaseException, not an Exception: the program's tasks were cancelled because the run is
        # being torn down (the engine stopped after reporting the cause itself). Nothing to add.
        pass
    except Exception as e:
        # The engine stopped the program after reporting the cause itself (e.g. a check failure): the SDK
        # turns the engine's gRPC UNAVAILABLE into a RunError with this text (its only signal, hence the
        # text match), possibly as the cause of whichever output or RPC failed first. Repeating it would
        # add a misleading second error, as the Node SDK's run.js also avoids.
        if not monitor_terminated(e):
            report(e)
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return EXIT_AFTER_REPORTED_ERROR


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit without the interpreter's finalisation: with the engine gone, the SDK's gRPC threads can
    # fail during it and turn the exit code into another (120 for a failed flush, 1 for an error in a
    # thread), which the host would report as a second "Program exited with non-zero exit code".
    os._exit(code)
