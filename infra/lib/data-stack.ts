import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

import { TTL_ATTRIBUTE } from '@upshot/functions/table-shape';

/**
 * The single table (docs/architecture.md): pk/sk strings, on demand, a stream with new and old
 * images for the aggregator, TTL on visitor states. It holds the customer's data, so it survives
 * a stack deletion and cannot be deleted by accident.
 */
export class DataStack extends Stack {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The AWS managed key (aws/dynamodb): encrypted with KMS and auditable in CloudTrail, with no key to administer.
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'The DynamoDB table; pass it to `npx upshot keys create --table`.',
    });
  }
}
