/**
 * `pulumi-language-python` in TypeScript: the Pulumi CLI's language host for Python programs.
 *
 * Why it exists: the Go module of the real host (`github.com/pulumi/pulumi/sdk/python/cmd/
 * pulumi-language-python/v3`) is not served by the module proxy this project reaches (403 "This
 * module version is not available"). Like the Go host (`sdk/python/cmd/pulumi-language-python/
 * main.go`), it runs `python -u <exec script> --monitor … --engine … --project … --stack … --pwd …
 * [--dry_run true] --parallel N <program>` with `PULUMI_CONFIG`/`PULUMI_CONFIG_SECRET_KEYS` set; the
 * exec script is ours (`python-exec.py`, installed beside this file) because the real one ships with the
 * Go host, not with the `pulumi` package on PyPI.
 *
 * The Python used, as the Go host chooses it: Pulumi.yaml's `runtime.options.virtualenv` (relative to
 * the program's folder, or absolute) → `<virtualenv>/bin/python`; else `PULUMI_PYTHON_CMD`; else
 * `python3`. `npm run pulumi:install -- --python` builds such a virtualenv (the `pulumi` SDK from PyPI
 * and the generated `pulumi_webex_wholesale`; see tools/README.md).
 *
 * Left out, on purpose: `GetRequiredPlugins` answers none (the Go host lists pip packages carrying a
 * `pulumi-plugin.json`; programs here name the plugin in Pulumi.yaml's `plugins.providers`), and
 * installs, `pulumi new`, code generation and debugging answer UNIMPLEMENTED.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import { configEnvironment, engineFlags, programDirectory, runProgram, runtimeOptions, serveLanguageRuntime } from "./language-host";

/** The host's own version, reported to the CLI (it prints it in `pulumi about`). */
const HOST_VERSION = "3.276.0-ts";

/** The exec script the program runs under (installed beside this file's transpiled copy). */
const EXEC_SCRIPT = join(__dirname, "python-exec.py");

/** The Python executable for a program (see the file comment for the order). */
function pythonFor(info: languagePb.ProgramInfo | undefined, programDir: string): { python: string; virtualenv?: string } {
  const virtualenv = runtimeOptions(info).virtualenv;
  if (typeof virtualenv === "string" && virtualenv !== "") {
    const dir = isAbsolute(virtualenv) ? virtualenv : join(programDir, virtualenv);
    return { python: join(dir, "bin", "python"), virtualenv: dir };
  }
  return { python: process.env.PULUMI_PYTHON_CMD || "python3" };
}

/** Runs the program under the exec script; resolves to the Run response the CLI expects. */
async function run(req: languagePb.RunRequest, engineAddress: string): Promise<languagePb.RunResponse> {
  const info = req.getInfo();
  const programDir = programDirectory(req);
  const { python, virtualenv } = pythonFor(info, programDir);
  if (virtualenv && !existsSync(python)) {
    return new languagePb.RunResponse().setError(
      `The virtualenv ${virtualenv} (Pulumi.yaml runtime.options.virtualenv) does not exist; create it and pip install the program's requirements there (or run \`npm run pulumi:install -- --python\`)`,
    );
  }
  const args = ["-u", EXEC_SCRIPT, ...engineFlags(req, engineAddress, "python")];
  // The program is the entry point (a file or a folder with __main__.py), relative to the program's folder.
  const entry = info?.getEntryPoint() || req.getProgram() || ".";
  args.push(isAbsolute(entry) ? entry : join(programDir, entry), ...req.getArgsList());
  const env: NodeJS.ProcessEnv = { ...process.env, ...configEnvironment(req), PYTHONUNBUFFERED: "true" };
  // As an activated virtualenv: its bin first on PATH, VIRTUAL_ENV set, no PYTHONHOME from outside.
  if (virtualenv) {
    env.VIRTUAL_ENV = virtualenv;
    env.PATH = [join(virtualenv, "bin"), env.PATH ?? ""].join(":");
    delete env.PYTHONHOME;
  }
  return runProgram({ command: python, args, cwd: req.getPwd() || programDir, env });
}

serveLanguageRuntime(
  {
    name: "pulumi-language-python",
    version: HOST_VERSION,
    requiredPlugins: () => [],
    run,
    about: () => {
      const python = process.env.PULUMI_PYTHON_CMD || "python3";
      const version = spawnSync(python, ["--version"], { encoding: "utf8" });
      return { executable: python, version: (version.stdout || version.stderr || "").trim().replace(/^Python /, "") };
    },
  },
  process.argv.slice(2),
);
