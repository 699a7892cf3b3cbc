import { EvaluationCache } from '../../src/services/evaluation-cache';

describe('EvaluationCache', () => {
  const ns = '00000000-0000-4000-8000-000000000001';

  test('keeps a loaded value until it expires, per namespace', async () => {
    let now = 1_000;
    const cache = new EvaluationCache(5_000, () => now);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get(ns, 'catalog', load)).toBe(1);
    expect(await cache.get(ns, 'catalog', load)).toBe(1);
    expect(await cache.get('00000000-0000-4000-8000-000000000002', 'catalog', load)).toBe(2);
    now += 5_000;
    expect(await cache.get(ns, 'catalog', load)).toBe(3);
  });

  test('forget drops the namespace and bumps its generation; a load that straddles it is not kept', async () => {
    const cache = new EvaluationCache();
    expect(await cache.get(ns, 'k', () => Promise.resolve('a'))).toBe('a');
    const before = cache.generation(ns);
    cache.forget(ns);
    expect(cache.generation(ns)).toBe(before + 1);
    let release!: (value: string) => void;
    const straddling = cache.get(ns, 'k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.forget(ns);
    release('read before the write');
    expect(await straddling).toBe('read before the write');
    expect(await cache.get(ns, 'k', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  test('a failed load is not kept', async () => {
    const cache = new EvaluationCache();
    await expect(cache.get(ns, 'k', () => Promise.reject(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(await cache.get(ns, 'k', () => Promise.resolve('ok'))).toBe('ok');
  });
});
