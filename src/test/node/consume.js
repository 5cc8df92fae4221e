// Prints an Almanac topic as JSON lines, decoding Confluent-framed Avro keys and values through a
// schema registry. A command-line consumer for people without Confluent's tools:
//
//   npm ci --prefix src/test/node
//   BOOTSTRAP=127.0.0.1:9092 REGISTRY_URL=http://127.0.0.1:8081 node src/test/node/consume.js almanac.latest
//
// Reads from the beginning and exits after IDLE_MS (default 5000) without new records.
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

const topic = process.argv[2];
if (!topic) {
  console.error('usage: node consume.js TOPIC   (env BOOTSTRAP, REGISTRY_URL, IDLE_MS)');
  process.exit(2);
}
const kafka = new Kafka({
  clientId: 'almanac-consume',
  brokers: (process.env.BOOTSTRAP || '127.0.0.1:9092').split(','),
  logLevel: logLevel.ERROR,
});
const registry = new SchemaRegistry({ host: process.env.REGISTRY_URL || 'http://127.0.0.1:8081' });
const idleMs = Number(process.env.IDLE_MS || 5000);

const decode = async (buffer) => (buffer && buffer.length > 5 && buffer[0] === 0 ? registry.decode(buffer) : buffer && buffer.toString());

(async () => {
  const consumer = kafka.consumer({ groupId: `almanac-consume-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let timer;
  const stop = () => consumer.disconnect().then(() => process.exit(0));
  const idle = () => { clearTimeout(timer); timer = setTimeout(stop, idleMs); };
  idle();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      idle();
      const key = await decode(message.key);
      const value = await decode(message.value);
      console.log(JSON.stringify({ partition, offset: message.offset, key, value }));
    },
  });
})().catch((e) => {
  console.error('consume failed:', e.message);
  process.exit(1);
});
