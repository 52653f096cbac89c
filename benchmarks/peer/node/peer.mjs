// LangChain.js PGVectorStore side of benchmarks/peer: driven by the .NET runner over stdin/stdout, one JSON object per line.
// Loads the runner's corpus files with addVectors and builds the HNSW index with createHnswIndex (the library's documented path),
// then answers timed similaritySearchVectorWithScore queries. Connection from PGHOST/PGPORT/PGUSER/PGDATABASE.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import pg from "pg";
import { PGVectorStore } from "@langchain/community/vectorstores/pgvector";
import { FakeEmbeddings } from "@langchain/core/utils/testing";
import { Document } from "@langchain/core/documents";

const dims = Number(process.env.PEER_DIMS);
const dir = process.env.PEER_DATA;
const table = "peer_langchain";
let store;
let queries;

function floats(file) {
  const bytes = readFileSync(`${dir}/${file}`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function init() {
  const all = floats("queries.f32");
  queries = [];
  for (let i = 0; i < all.length / dims; i++) queries.push(Array.from(all.subarray(i * dims, (i + 1) * dims)));
  const pool = new pg.Pool({ max: 4 });
  store = new PGVectorStore(new FakeEmbeddings(), { pool, tableName: table, distanceStrategy: "cosine" });
  await store._initializeClient();
  return {};
}

async function load() {
  const started = process.hrtime.bigint();
  store = await PGVectorStore.initialize(new FakeEmbeddings(), { pool: store.pool, tableName: table, dimensions: dims, distanceStrategy: "cosine" });
  const vectors = floats("vectors.f32");
  const lines = readFileSync(`${dir}/docs.jsonl`, "utf8").split("\n").filter((l) => l.length > 0);
  // In batches of 5,000 so the runner's memory stays bounded; addVectors itself inserts 500 rows per statement.
  for (let start = 0; start < lines.length; start += 5000) {
    const end = Math.min(start + 5000, lines.length);
    const docs = [];
    const vecs = [];
    for (let i = start; i < end; i++) {
      const { text, metadata } = JSON.parse(lines[i]);
      docs.push(new Document({ pageContent: text, metadata }));
      vecs.push(Array.from(vectors.subarray(i * dims, (i + 1) * dims)));
    }
    await store.addVectors(vecs, docs);
  }
  await store.createHnswIndex({ dimensions: dims });
  await store.pool.query(`ANALYZE ${table}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function query({ q, key, value, k }) {
  const filter = key == null ? undefined : { [key]: value };
  const started = process.hrtime.bigint();
  const results = await store.similaritySearchVectorWithScore(queries[q], k, filter);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, ids: results.map(([doc]) => doc.metadata.doc) };
}

const handlers = { init, load, query };
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let answer;
  try {
    const request = JSON.parse(line);
    answer = await handlers[request.op](request);
  } catch (e) {
    answer = { error: String(e?.stack ?? e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await store?.end?.().catch(() => {});
