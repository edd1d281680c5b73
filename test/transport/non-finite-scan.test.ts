import { loadKernels } from '@starling/native';
import { checkNonFiniteScan, EXAMPLE_HEADERS, RouterEndpoint } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { bindAddress, dealer, router, waitFor } from './fixtures.js';

const loaded = loadKernels('auto');
const nativeScan = loaded.backend === 'native' ? loaded.kernels.compress?.firstNonFinite : undefined;

describe('the nonFiniteScan endpoint option', () => {
  it('refuses, when the endpoint is created, a scan that disagrees with firstNonFinite', async () => {
    const missesNaN = (x: Float32Array) => x.findIndex((v) => Math.abs(v) === Number.POSITIVE_INFINITY);
    await expect(
      RouterEndpoint.listen(bindAddress('tcp'), { onMessage() {}, nonFiniteScan: missesNaN }),
    ).rejects.toThrow(/transport\.nonFiniteScan must be a scan that agrees with firstNonFinite, got .*expected/);
  });

  it('scans received f32 payloads with the given function and still refuses NaN; f64 keeps the reference', async () => {
    const scanned: number[] = [];
    const counting = (x: Float32Array) => {
      scanned.push(x.length);
      return x.findIndex((v) => !Number.isFinite(v));
    };
    const srv = await router('tcp', { heartbeatMs: 0, nonFiniteScan: counting });
    scanned.length = 0; // the self-check at creation called it too
    const host = dealer(srv.endpoint.address, { routingId: 'host-0', heartbeatMs: 0, replyErrors: false });
    const good = Float32Array.from({ length: 30_001 }, (_, i) => Math.sin(i));
    const bad = good.slice();
    bad[29_999] = Number.NaN;
    await host.endpoint.send(EXAMPLE_HEADERS.update, [{ name: 'delta', data: good }]);
    await host.endpoint.send(EXAMPLE_HEADERS.update, [{ name: 'delta', data: bad }]);
    await host.endpoint.send(EXAMPLE_HEADERS.update, [{ name: 'delta', data: Float64Array.of(1, Number.NaN) }]);
    await waitFor(() => srv.endpoint.stats().totals.rejected === 2, 5000, 'two rejections');
    expect(srv.messages).toHaveLength(1);
    expect(scanned).toEqual([30_001, 30_001]);
    expect(srv.endpoint.stats().rejected).toEqual({ 'non-finite': 2 });
  });

  it('can be set after creation (a worker host learns its kernels from welcome), refusing a wrong one', async () => {
    const srv = await router('tcp', { heartbeatMs: 0 });
    const host = dealer(srv.endpoint.address, { routingId: 'host-1', heartbeatMs: 0 });
    await host.endpoint.send(EXAMPLE_HEADERS.hello);
    await waitFor(() => srv.endpoint.peers().length === 1, 5000, 'hello');
    const scanned: number[] = [];
    host.endpoint.setNonFiniteScan((x) => {
      scanned.push(x.length);
      return x.findIndex((v) => !Number.isFinite(v));
    });
    expect(() => host.endpoint.setNonFiniteScan((x) => x.length - 1)).toThrow(/transport\.nonFiniteScan must be/);
    scanned.length = 0;
    const model = Float32Array.from({ length: 4097 }, (_, i) => i / 7);
    await srv.endpoint.send('host-1', EXAMPLE_HEADERS.task, [{ name: 'model', data: model }]);
    await waitFor(() => host.messages.length === 1, 5000, 'task');
    expect(scanned).toEqual([4097]);
    host.endpoint.setNonFiniteScan(undefined);
    await srv.endpoint.send('host-1', EXAMPLE_HEADERS.task, [{ name: 'model', data: model }]);
    await waitFor(() => host.messages.length === 2, 5000, 'second task');
    expect(scanned).toEqual([4097]);
  });

  it.skipIf(nativeScan === undefined)('accepts the native AVX2/portable scan, which agrees with the reference', () => {
    expect(checkNonFiniteScan(nativeScan!)).toBeNull();
  });
});
