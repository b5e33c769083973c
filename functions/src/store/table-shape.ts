/** The attribute DynamoDB's TTL reads (epoch seconds); the CDK data stack and ensureTable both set it. Free of imports, so the CDK app can read it. */
export const TTL_ATTRIBUTE = 'expiresAt';
