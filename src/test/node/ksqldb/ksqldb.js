// Drives Almanac's query API with Node's ksqldb-client 1.0.5 (HTTP/2 cleartext, ksqlDB's endpoints), as a
// ksqlDB user would: a pull query, the table list, a description, an error, and a push query that receives
// a row produced after it started and is then closed. Writes what it saw to $RESULT for the Java test.
// $STARTED is created once the push query's header arrived: the Java side then produces the row.
const fs = require("fs");
const KsqldbClient = require("ksqldb-client");

const port = Number(process.env.PORT);
const pushSql = process.env.PUSH_SQL;
const deadline = Date.now() + 120000;

function withTimeout(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(what + " timed out")), Math.max(1, deadline - Date.now())))]);
}

async function main() {
  const client = new KsqldbClient({ host: "127.0.0.1", port, timeout: 20000 });
  await client.connect();
  const result = {};

  const pull = await client.query(process.env.PULL_SQL);
  result.pull = { status: pull.status, error: pull.error, metadata: pull.data && pull.data.metadata, rows: pull.data && pull.data.rows };

  result.tables = await client.listTables();
  result.streams = await client.listStreams();
  result.description = await client.describeSource("CURRENT");

  const unknown = await client.query("SELECT * FROM nowhere;");
  result.unknownTable = { status: unknown.status, error: unknown.error };

  let queryId;
  const pushed = [];
  let closing;
  const push = client.streamQuery(pushSql, (data) => {
    if (data.status !== 200) {
      return;
    }
    if (!queryId && data.metadata) {
      queryId = data.metadata.queryId;
      result.pushMetadata = data.metadata;
      fs.writeFileSync(process.env.STARTED, queryId);
    }
    if (data.rows && data.rows.length > 0) {
      pushed.push(...data.rows);
      if (!closing) {
        closing = client.terminatePushQuery(queryId);
      }
    }
  });
  const pushResult = await withTimeout(push, "push query");
  result.push = { status: pushResult.status, error: pushResult.error, rows: pushed, queryId };
  const closed = await withTimeout(closing || Promise.resolve({ status: "never closed" }), "close-query");
  result.close = { status: closed.status, error: closed.error };

  await client.disconnect();
  fs.writeFileSync(process.env.RESULT, JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
