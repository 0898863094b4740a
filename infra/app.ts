import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ContextError, readContext } from './context.ts';
import { CloserStack } from './stack.ts';

/**
 * The CDK app: `npx cdk deploy -c senderEmail=quotes@example.com`. Every context value is listed in
 * infra/context.ts. A missing or malformed value stops here with one sentence instead of a stack trace.
 */
const app = new App();
try {
  const context = readContext(app);
  new CloserStack(app, context.stackName, {
    context,
    // Environment-agnostic unless pinned: nothing in the stack needs a lookup.
    env: context.account || context.region ? { account: context.account, region: context.region } : undefined,
  });
  // The same checks the stack tests assert. cdk-nag 3 is a policy-validation plugin: any
  // unacknowledged finding (error or warning) stops `cdk synth` and `cdk deploy` with a report;
  // each acknowledgment and its reason is also written to the resource's template metadata.
  if (context.nag)
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    );
  app.synth();
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
