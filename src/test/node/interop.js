// Interoperability check run by NodeInteropIT: independent clients (kafkajs and
// @kafkajs/confluent-schema-registry) against Almanac's embedded schema registry and topics.
//
// Environment: BOOTSTRAP (host:port), REGISTRY_URL, V2_SCHEMA and INCOMPATIBLE_SCHEMA (paths to .avsc),
// LATEST_TOPIC, RAW_TOPIC, EXPECT_LATEST (how many records to read from LATEST_TOPIC), RESULT (output file).
'use strict';

const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
};

const bootstrap = env('BOOTSTRAP');
const latestTopic = env('LATEST_TOPIC');
const rawTopic = env('RAW_TOPIC');
const expectLatest = Number(env('EXPECT_LATEST'));
const registry = new SchemaRegistry({ host: env('REGISTRY_URL') });
const kafka = new Kafka({ clientId: 'almanac-interop', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
const result = { latest: [], latestSchema: null, registeredV2: null, incompatible: null, produced: [] };

const withTimeout = (promise, ms, what) => {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

async function readLatest() {
  // The schema Almanac registered for the derived topic, looked up as any client would.
  const latestId = await registry.getLatestSchemaId(`${latestTopic}-value`);
  const schema = await registry.getSchema(latestId);
  result.latestSchema = { id: latestId, name: schema.name };

  const consumer = kafka.consumer({ groupId: `almanac-interop-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: latestTopic, fromBeginning: true });
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = await registry.decode(message.key);
      const value = await registry.decode(message.value);
      result.latest.push({ schemaId: message.value.readInt32BE(1), key, value });
      if (result.latest.length >= expectLatest) done();
    },
  });
  await withTimeout(finished, 90000, `reading ${expectLatest} records from ${latestTopic}`);
  await consumer.disconnect();
}

async function registerSchemas() {
  const subject = `${rawTopic}-value`;
  const v2 = fs.readFileSync(env('V2_SCHEMA'), 'utf8');
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: v2 }, { subject });
  result.registeredV2 = { subject, id };
  try {
    await registry.register({ type: SchemaType.AVRO, schema: fs.readFileSync(env('INCOMPATIBLE_SCHEMA'), 'utf8') }, { subject });
    result.incompatible = { status: 'accepted' };
  } catch (e) {
    result.incompatible = { status: e.status, message: e.message };
  }
  return id;
}

async function produceObservations(v2Id) {
  const observations = [
    {
      id: 'node-obs-1', indicator: 'gdp', region: 'CN-BJ', period: '2025-Q1..Q3', value: 3.7e12, unit: 'CNY',
      qualifier: 'approx', published: Date.parse('2025-10-24T00:00:00Z'), source: 'kafkajs interop test',
      quote: null, note: 'written by Node', indicator_label: '地区生产总值', value_text: '3.7万亿', seasonally_adjusted: false,
    },
    {
      id: 'node-obs-2', indicator: 'unicorn_count', region: 'CN-BJ', period: 'asof:2025-12-31', value: 115, unit: 'count',
      qualifier: 'exact', published: Date.parse('2026-01-20T00:00:00Z'), source: 'kafkajs interop test',
      quote: null, note: null, indicator_label: null, value_text: null, seasonally_adjusted: null,
    },
  ];
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (const o of observations) {
    messages.push({ value: await registry.encode(v2Id, o) });
    result.produced.push(o);
  }
  await producer.send({ topic: rawTopic, messages });
  await producer.disconnect();
}

(async () => {
  await readLatest();
  const v2Id = await registerSchemas();
  await produceObservations(v2Id);
  fs.writeFileSync(env('RESULT'), JSON.stringify(result, null, 2));
  console.log(`interop: read ${result.latest.length} records from ${latestTopic}, registered v2 as id ${v2Id}, `
    + `incompatible schema answered ${result.incompatible.status}, produced ${result.produced.length} observations`);
})().catch((e) => {
  console.error('interop failed:', e);
  process.exit(1);
});
