/**
 * A private `nats-server -js` for tests that restart the broker: its own free port and store
 * directory, so killing it disturbs no other test, and a restart on the same port and directory
 * keeps the stream and the durable consumers as a real broker restart does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@/test/free-port";

export const NATS_SERVER = "/usr/sbin/nats-server";
const READY_TIMEOUT_MS = 30_000;

export class PrivateNatsServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), mkdtempSync(path.join(tmpdir(), "vigil-nats-")));
    await server.restart();
    return server;
  }

  /** Starts the server (again) on its port and store; resolves once it accepts clients. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("nats-server is already running");
    const child = spawn(NATS_SERVER, ["-a", "127.0.0.1", "-p", String(this.port), "-js", "-sd", this.storeDir], { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    // A test process that ends without stop() (failed, killed) takes the server with it.
    const onExit = () => child.kill("SIGKILL");
    process.once("exit", onExit);
    child.once("exit", () => {
      process.off("exit", onExit);
      if (this.child === child) this.child = undefined;
    });
    let log = "";
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on("data", (d: Buffer) => {
          log += d.toString();
          if (log.includes("Server is ready")) resolve();
        });
        child.once("exit", (code, signal) => reject(new Error(`nats-server exited (${code ?? signal}): ${log}`)));
        timer = setTimeout(() => reject(new Error(`nats-server not ready in ${READY_TIMEOUT_MS} ms: ${log}`)), READY_TIMEOUT_MS);
      });
    } catch (err) {
      await this.kill();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the server, as a crash or an OOM kill would: no orderly goodbye to clients. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
