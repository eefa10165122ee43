// runChild: output and status as spawnSync gives them, and a hung child diagnosed before it is killed.

import { describe, expect, it } from 'vitest';
import { ChildHangError, isTransientSpawnError, runChild, runNodeChild, testChildNodeFlags, type ChildOptions } from '../src/child.js';

const node = process.execPath;

/** The ChildHangError a hung child's runChild() rejects with. */
async function hangOf(args: string[], options: ChildOptions): Promise<ChildHangError> {
  const error = await runChild(node, args, options).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ChildHangError);
  return error as ChildHangError;
}

describe('runChild', () => {
  it('runNodeChild runs this Node with the test children\'s flags (no background recompilation: nodejs/node#54918)', async () => {
    const child = await runNodeChild(['-e', 'console.log(JSON.stringify(process.execArgv))']);
    expect(child.status).toBe(0);
    expect((JSON.parse(child.stdout) as string[]).slice(0, testChildNodeFlags.length)).toEqual([...testChildNodeFlags]);
    expect(testChildNodeFlags).toContain('--no-concurrent-recompilation');
  });

  it('collects the output and status of a child that ends', async () => {
    const child = await runChild(node, ['-e', 'console.log("out"); console.error("err"); process.exitCode = 3']);
    expect(child).toEqual({ status: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
  });

  it('examines a child still running at the timeout, kills it and says where its threads were', async () => {
    const hang = await hangOf(['-e', 'setInterval(() => {}, 1000)'], { timeout: 500 });
    expect(hang.outcome.signal).toBe('SIGKILL');
    expect(hang.message).toMatch(/did not finish in time/);
    if (process.platform === 'linux') expect(hang.message).toMatch(/thread \d+ node: wchan \S+, syscall/);
  });

  it('sends the probe signal first, and keeps what the child printed for it', async () => {
    const script = 'process.on("SIGUSR2", () => console.error("stuck at round 3")); setInterval(() => {}, 1000)';
    const hang = await hangOf(['-e', script], { timeout: 500, probeSignal: 'SIGUSR2' });
    expect(hang.outcome.signal).toBe('SIGKILL');
    expect(hang.message).toMatch(/stderr: stuck at round 3/);
  });

  it('still reports a hang when the probe signal ends the child', async () => {
    const hang = await hangOf(['-e', 'setInterval(() => {}, 1000)'], { timeout: 500, probeSignal: 'SIGUSR2' });
    expect(hang.outcome.signal).toBe('SIGUSR2');
    expect(hang.message).toMatch(/ended on the probe, SIGUSR2/);
  });

  it('counts only a spawn that failed for a passing reason as worth another try', () => {
    const spawnError = (code: string) => Object.assign(new Error(`spawn ${code}`), { code, syscall: 'spawn node.exe' });
    expect(isTransientSpawnError(spawnError('UNKNOWN'))).toBe(true);
    expect(isTransientSpawnError(spawnError('EAGAIN'))).toBe(true);
    expect(isTransientSpawnError(spawnError('ENOENT'))).toBe(false);
    expect(isTransientSpawnError(Object.assign(new Error('read UNKNOWN'), { code: 'UNKNOWN', syscall: 'read' }))).toBe(false);
    expect(isTransientSpawnError(undefined)).toBe(false);
  });

  it('rejects with the spawn error of a command that does not exist (not a reason to try again)', async () => {
    await expect(runChild('/nonexistent/tpio-no-such-command', [])).rejects.toMatchObject({ code: 'ENOENT', syscall: 'spawn /nonexistent/tpio-no-such-command' });
  });
});
