/** Jest global teardown: stops the run's DynamoDB Local, whatever the tests' outcome. */
export default async function teardown(): Promise<void> {
  await globalThis.nexumDynamoDbLocal?.stop();
  globalThis.nexumDynamoDbLocal = undefined;
}
