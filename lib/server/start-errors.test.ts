import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { StartError, explainPostgresOutput, explainStartError, lastPostgresError } from "@/lib/server/start-errors";

function oneSentence(e: Error) {
  expect(e).toBeInstanceOf(StartError);
  expect(e.message).not.toContain("\n");
  expect(e.message.trim().endsWith(".")).toBe(true);
}

/** A system error as Node raises it (code, errno, syscall, path), for codes a test cannot provoke without a mount. */
function systemError(code: string, errno: number, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, errno, syscall, path: file });
}

describe("explainStartError", () => {
  it("says the disk is full for a real ENOSPC (writing /dev/full)", () => {
    let caught: unknown;
    try {
      writeFileSync("/dev/full", "x");
    } catch (err) {
      caught = err;
    }
    expect((caught as NodeJS.ErrnoException).code).toBe("ENOSPC");
    const e = explainStartError(caught, { dir: "/srv/vigil/.data" });
    oneSentence(e);
    expect((e as StartError).code).toBe("disk-full");
    expect(e.message).toContain("/srv/vigil/.data");
  });

  it("says the port is taken for a real EADDRINUSE", async () => {
    const a = createServer();
    await new Promise<void>((resolve) => a.listen(0, "127.0.0.1", resolve));
    const port = (a.address() as { port: number }).port;
    const b = createServer();
    const caught = await new Promise<unknown>((resolve) => {
      b.once("error", resolve);
      b.listen(port, "127.0.0.1");
    });
    await new Promise((resolve) => a.close(resolve));
    expect((caught as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
    const e = explainStartError(caught, { port, portVariable: "PORT" });
    oneSentence(e);
    expect((e as StartError).code).toBe("port-taken");
    expect(e.message).toContain(`Port ${port} (for the web app)`);
    expect(e.message).toContain("PORT=<a free port> npm start");
  });

  it("says the folder is read-only for EROFS and EACCES, naming the folder a mkdir was refused in", () => {
    const rofs = explainStartError(systemError("EROFS", -30, "mkdir", "/mnt/ro/.data"), { dir: "/mnt/ro/.data" });
    oneSentence(rofs);
    expect((rofs as StartError).code).toBe("read-only");
    expect(rofs.message).toContain("cannot write to /mnt/ro:");

    const denied = explainStartError(systemError("EACCES", -13, "open", "/srv/vigil/.data/auth-secret"), { dir: "/srv/vigil/.data" });
    expect((denied as StartError).code).toBe("read-only");
    expect(denied.message).toContain("/srv/vigil/.data");
  });

  it("passes other errors through unchanged", () => {
    const other = new Error("something else");
    expect(explainStartError(other)).toBe(other);
    expect(explainStartError(systemError("ECONNRESET", -104, "read", ""))).toBeInstanceOf(Error);
    expect(explainStartError(systemError("ECONNRESET", -104, "read", ""))).not.toBeInstanceOf(StartError);
    expect(explainStartError(systemError("EACCES", -13, "spawn /x/node_modules/.bin/prisma", "/x/node_modules/.bin/prisma"))).not.toBeInstanceOf(StartError);
  });
});

describe("explainPostgresOutput", () => {
  const where = { dir: "/root/vigil/.data/postgres", port: 54329, portVariable: "VIGIL_EMBEDDED_PG_PORT" };

  it("recognises what initdb and postgres print", () => {
    const full = explainPostgresOutput('initdb: error: could not write to file "base/1/1249": No space left on device\n', where);
    expect(full?.code).toBe("disk-full");
    const bind = explainPostgresOutput(
      '2026-12-01 LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n2026-12-01 FATAL:  could not create any TCP/IP sockets\n',
      where,
    );
    expect(bind?.code).toBe("port-taken");
    expect(bind?.message).toContain("VIGIL_EMBEDDED_PG_PORT");
    expect(explainPostgresOutput('initdb: error: could not create directory "x": Read-only file system', where)?.code).toBe("read-only");
    expect(explainPostgresOutput("LOG: database system is ready to accept connections", where)).toBeUndefined();
  });

  it("keeps the last FATAL line for a failure it does not know", () => {
    expect(lastPostgresError('LOG:  starting\nFATAL:  lock file "postmaster.pid" already exists\n')).toBe('lock file "postmaster.pid" already exists');
    expect(lastPostgresError("LOG: fine\n")).toBeUndefined();
  });
});
