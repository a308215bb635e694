// What a benchmark ran on: the CPU (model, family, physical cores and logical CPUs, cache sizes,
// the SIMD it has), from /proc/cpuinfo and /sys/devices/system/cpu (Linux); fields that a system
// does not expose are null.
import fs from 'node:fs';
import os from 'node:os';

const SYS_CPU = '/sys/devices/system/cpu';
const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

/** "1024K" → bytes (the kernel writes cache sizes in K, sometimes M). */
function bytes(size) {
  const m = /^(\d+)([KMG]?)$/.exec(size ?? '');
  return m ? Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]] : null;
}

/** cpu0's caches: {L1d, L1i, L2, L3} → {bytes, sharedBy: logical CPUs sharing one}. */
function caches() {
  const out = {};
  for (const index of fs.existsSync(`${SYS_CPU}/cpu0/cache`) ? fs.readdirSync(`${SYS_CPU}/cpu0/cache`) : []) {
    if (!index.startsWith('index')) continue;
    const dir = `${SYS_CPU}/cpu0/cache/${index}`;
    const level = read(`${dir}/level`),
      type = read(`${dir}/type`);
    const name = `L${level}${type === 'Data' ? 'd' : type === 'Instruction' ? 'i' : ''}`;
    const shared = (read(`${dir}/shared_cpu_list`) ?? '')
      .split(',')
      .filter(Boolean)
      .reduce((n, r) => {
        const [a, b] = r.split('-').map(Number);
        return n + (Number.isFinite(b) ? b - a + 1 : 1);
      }, 0);
    out[name] = { bytes: bytes(read(`${dir}/size`)), sharedBy: shared || null };
  }
  return out;
}

/** Physical cores: distinct (package, core) pairs over the CPUs the kernel lists. */
function physicalCores() {
  if (!fs.existsSync(SYS_CPU)) return null;
  const pairs = new Set();
  for (const cpu of fs.readdirSync(SYS_CPU).filter((d) => /^cpu\d+$/.test(d))) {
    const core = read(`${SYS_CPU}/${cpu}/topology/core_id`),
      pkg = read(`${SYS_CPU}/${cpu}/topology/physical_package_id`);
    if (core !== null) pairs.add(`${pkg}:${core}`);
  }
  return pairs.size || null;
}

function cpuinfo() {
  const first = (read('/proc/cpuinfo') ?? '').split('\n\n')[0];
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first)?.[1] ?? null;
  const flags = new Set((field('flags') ?? '').split(' '));
  return {
    vendor: field('vendor_id'),
    family: field('cpu family'),
    model: field('model'),
    simd: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx_vnni'].filter((f) => flags.has(f)),
  };
}

export function machineInfo() {
  return {
    cpuModel: os.cpus()[0]?.model ?? null,
    ...cpuinfo(),
    physicalCores: physicalCores(),
    logicalCpus: os.availableParallelism?.() ?? os.cpus().length,
    caches: caches(),
    node: process.version,
    v8: process.versions.v8,
  };
}

const size = (b) => (b >= 1024 ** 2 ? `${b / 1024 ** 2} MiB` : `${b / 1024} KiB`);

/** One line, e.g. "AMD EPYC (family 26 model 2), 2 physical cores / 2 logical CPUs, L2 1 MiB, L3 32 MiB shared by 2, sse4_2 avx …". */
export function describeMachine(m) {
  const c = m.caches ?? {};
  const cache = (name) =>
    c[name]?.bytes
      ? `${name} ${size(c[name].bytes)}${c[name].sharedBy > 1 ? ` shared by ${c[name].sharedBy}` : ''}`
      : null;
  const family = m.family ? ` (family ${m.family} model ${m.model})` : '';
  return [
    `${m.cpuModel}${family}`,
    `${m.physicalCores ?? '?'} physical cores / ${m.logicalCpus} logical CPUs`,
    cache('L2'),
    cache('L3'),
    m.simd?.length ? m.simd.join(' ') : null,
  ]
    .filter(Boolean)
    .join(', ');
}
