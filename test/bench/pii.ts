/**
 * Personal-data benchmark: what sealing customers costs, measured in one run.
 *
 *   npm run bench:pii
 *
 * Starts its own in-memory DynamoDB Local with one table and runs the customer use cases
 * (createCustomer, getCustomer: the code behind POST and GET /customers, without the HTTP edge)
 * sequentially under three vaults, in the same run and on the same table:
 *
 *   plaintext   a no-op vault and blind index: fields stored as given (the baseline)
 *   keyring     the local keyring (npm start's): subject keys under cached data keys
 *   kms         KmsDataKeys over an in-process fake KMS with real AES-GCM behaviour
 *               (aws-sdk-client-mock): the AWS code path minus KMS's network latency
 *
 * and reports create and read latency p50/p99 per vault. Then the KMS calls: 1,000 customers are
 * created through one vault (one container), and read back by a fresh vault (a cold container,
 * empty cache), counting GenerateDataKey and Decrypt calls; the goal is at most 1 KMS call per
 * 1,000 reads. Knobs: BENCH_CUSTOMERS (per vault, default 300), BENCH_KMS_READS (default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCustomer, getCustomer } from '../../shared/application/customers';
import type { BlindIndex, PiiVault, SubjectCipher } from '../../shared/application/field-cipher';
import type { Dependencies } from '../../shared/application/ports';
import { mainTable } from '../../shared/contracts/tables';
import {
  KmsDataKeys,
  type KeyVersionRegistry,
} from '../../shared/infrastructure/crypto/data-key-sources';
import { EnvelopeVault } from '../../shared/infrastructure/crypto/envelope-vault';
import { ensureTable } from '../../shared/infrastructure/dynamodb/table-admin';
import { parseEnvironment } from '../../shared/infrastructure/environment';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import { killGroup, startDynamoDbLocal } from '../../shared/local/dynamodb-local';
import { fakeKms } from '../support/fake-kms';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 300);
const kmsReads = Number(process.env.BENCH_KMS_READS ?? 1_000);

const print = (line: string) => process.stdout.write(`${line}\n`);

const identity: SubjectCipher = {
  seal: (_scope, fields) => ({ ...fields }),
  open: (_s, f) => ({ ...f }),
};
const plaintextVault: PiiVault = {
  newSubject: async () => ({
    key: { wrapped: 'none', dataKey: { keyId: 'none', keyVersion: 'plain', wrapped: 'none' } },
    cipher: identity,
  }),
  unlock: async () => identity,
  rewrap: async (_id, key) => key,
  keyVersions: async () => ({ current: 'plain', all: ['plain'] }),
  rotate: async () => 'plain',
};
const plaintextIndex: BlindIndex = { indexOf: async (field, value) => `${field}:${value}` };

function memoryRegistry(): KeyVersionRegistry {
  return { read: async () => undefined, advance: async () => true };
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const context = (actor: string) => ({
  actor,
  idempotency: undefined,
  render: () => ({ status: 201, body: '', headers: {} }),
});

async function createMany(deps: Dependencies, count: number, label: string) {
  const ids: string[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const outcome = await createCustomer(
      deps,
      {
        firstName: `Bench${i}`,
        lastName: label,
        email: `${label}.${i}@bench.example`,
        phone: `+1555${String(i).padStart(7, '0')}`,
        nationalId: `${label.toUpperCase()}${i}`,
        dateOfBirth: '1990-01-01',
        address: { line1: `${i} Bench Street`, city: 'Testville', country: 'US' },
      },
      context('bench'),
    );
    latencies.push(performance.now() - started);
    if (!outcome.ok || outcome.value.replayed) throw new Error('create failed');
    ids.push(outcome.value.value.id);
  }
  return { ids, latencies };
}

async function readMany(deps: Dependencies, ids: readonly string[]) {
  const latencies: number[] = [];
  for (const id of ids) {
    const started = performance.now();
    const read = await getCustomer(deps, id);
    latencies.push(performance.now() - started);
    if (!read.ok || read.value.personal === undefined) throw new Error('read failed');
  }
  return latencies;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  print('Nexum personal-data benchmark on DynamoDB Local (in memory, one table)');
  const dynamo = await startDynamoDbLocal({});
  process.on('exit', () => killGroup(dynamo.pid, 'SIGKILL'));
  const scratch = mkdtempSync(join(tmpdir(), 'nexum-bench-pii-'));
  const kms = fakeKms();
  try {
    const tableName = 'nexum-bench-pii';
    const environment = parseEnvironment({
      NEXUM_TENANT: 'bench',
      NEXUM_TABLE_NAME: tableName,
      NEXUM_DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      NEXUM_KEYRING_PATH: join(scratch, 'keyring.json'),
      NEXUM_LOG_LEVEL: 'error',
    });
    const admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: environment.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(admin, tableName, mainTable);
    const base = createRuntime(environment).dependencies;
    const kmsVault = () =>
      new EnvelopeVault(new KmsDataKeys(kms.client, 'bench-key', 'bench', memoryRegistry()));
    const variants: { name: string; deps: Dependencies }[] = [
      { name: 'plaintext', deps: { ...base, vault: plaintextVault, blindIndex: plaintextIndex } },
      { name: 'keyring', deps: base },
      { name: 'kms', deps: { ...base, vault: kmsVault() } },
    ];

    // Warm-up: JIT, connections, the keyring file, table partitions.
    for (const variant of variants) {
      const warm = await createMany(variant.deps, 20, `warm${variant.name}`);
      await readMany(variant.deps, warm.ids);
    }

    const rows: string[][] = [];
    // Interleaved rounds, so drift on a shared machine hits every vault alike.
    const results = new Map(
      variants.map((v) => [v.name, { create: [] as number[], read: [] as number[] }]),
    );
    const rounds = 5;
    for (let round = 0; round < rounds; round += 1) {
      // Each round starts with a different vault, so none always follows the same one.
      const order = variants.map((_, i) => variants[(i + round) % variants.length]);
      for (const variant of order) {
        if (variant === undefined) continue;
        const result = results.get(variant.name);
        if (result === undefined) continue;
        const made = await createMany(
          variant.deps,
          Math.ceil(customers / rounds),
          `${variant.name}r${round}`,
        );
        result.create.push(...made.latencies);
        result.read.push(...(await readMany(variant.deps, made.ids)));
      }
    }
    const baseline = results.get('plaintext');
    for (const variant of variants) {
      const result = results.get(variant.name);
      if (result === undefined || baseline === undefined) continue;
      const c50 = percentile(result.create, 50);
      const r50 = percentile(result.read, 50);
      rows.push([
        variant.name,
        String(result.create.length),
        c50.toFixed(2),
        percentile(result.create, 99).toFixed(2),
        (c50 - percentile(baseline.create, 50)).toFixed(2),
        r50.toFixed(2),
        percentile(result.read, 99).toFixed(2),
        (r50 - percentile(baseline.read, 50)).toFixed(2),
      ]);
    }
    print('');
    print('Latency per customer, ms (sequential; use case + DynamoDB Local, no HTTP edge)');
    table(
      ['vault', 'n', 'create p50', 'create p99', 'Δ p50', 'read p50', 'read p99', 'Δ p50'],
      rows,
    );

    // The crypto alone, without DynamoDB: what the vault adds per customer.
    const fields = {
      firstName: 'Bench',
      lastName: 'Customer',
      email: 'bench.customer@bench.example',
      phone: '+15550000000',
      nationalId: 'BENCH123',
      dateOfBirth: '1990-01-01',
      address: JSON.stringify({ line1: '1 Bench Street', city: 'Testville', country: 'US' }),
    };
    const cryptoRows: string[][] = [];
    for (const variant of variants) {
      const vault = variant.deps.vault;
      const sealed: {
        key: Awaited<ReturnType<PiiVault['newSubject']>>['key'];
        f: Record<string, string>;
      }[] = [];
      const sealStarted = performance.now();
      for (let i = 0; i < 1_000; i += 1) {
        const subject = await vault.newSubject(`C${i}`);
        sealed.push({ key: subject.key, f: subject.cipher.seal('customer', fields) });
      }
      const sealUs = ((performance.now() - sealStarted) * 1000) / 1_000;
      const openStarted = performance.now();
      for (const [i, entry] of sealed.entries()) {
        (await vault.unlock(`C${i}`, entry.key)).open('customer', entry.f);
      }
      const openUs = ((performance.now() - openStarted) * 1000) / 1_000;
      cryptoRows.push([variant.name, sealUs.toFixed(1), openUs.toFixed(1)]);
    }
    print('');
    print('Vault alone (no DynamoDB), µs per customer of 7 fields, mean of 1,000');
    table(['vault', 'new key + seal', 'unlock + open'], cryptoRows);

    // KMS calls: one container creates, a cold one reads.
    kms.reset();
    const writer: Dependencies = { ...base, vault: kmsVault() };
    const created = await createMany(writer, kmsReads, 'kmscount');
    const createCalls = { ...kms.calls };
    kms.reset();
    const reader: Dependencies = { ...base, vault: kmsVault() };
    await readMany(reader, created.ids);
    const readCalls = { ...kms.calls };
    const perThousand = ((readCalls.Decrypt + readCalls.GenerateDataKey) * 1000) / kmsReads;
    print('');
    print('KMS calls (KmsDataKeys over a fake KMS that counts; data-key cache: 1,000 uses, 5 min)');
    table(
      ['phase', 'customers', 'GenerateDataKey', 'Decrypt', 'per 1,000'],
      [
        [
          'create (one container)',
          String(kmsReads),
          String(createCalls.GenerateDataKey),
          String(createCalls.Decrypt),
          (((createCalls.GenerateDataKey + createCalls.Decrypt) * 1000) / kmsReads).toFixed(2),
        ],
        [
          'read (a cold container)',
          String(kmsReads),
          String(readCalls.GenerateDataKey),
          String(readCalls.Decrypt),
          perThousand.toFixed(2),
        ],
      ],
    );
    print('');
    print(
      `${perThousand <= 1 ? 'PASS' : 'FAIL'} KMS calls per 1,000 customer reads: ${perThousand.toFixed(2)} (goal ≤ 1)`,
    );
  } finally {
    kms.restore();
    await dynamo.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  print(line(header));
  print(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) print(line(row));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
