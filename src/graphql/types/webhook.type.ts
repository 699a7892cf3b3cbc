import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: 'A webhook of a segment: after each evaluation with changes, a signed POST of who entered and who left.', simpleResolvers: true })
export class SegmentWebhook {
  @Field(() => ID, { description: 'The webhook ID (whk_…).' })
  id!: string;

  @Field(() => ID, { description: 'The segment.' })
  segmentId!: string;

  @Field({ description: 'Where deliveries are POSTed.' })
  url!: string;

  @Field({ description: 'Who created it.' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;
}

@ObjectType({ description: 'A new webhook and its signing secret, shown only now.', simpleResolvers: true })
export class CreatedSegmentWebhook {
  @Field(() => SegmentWebhook, { description: 'The webhook.' })
  webhook!: SegmentWebhook;

  @Field({ description: 'The HMAC-SHA256 key of the x-audience-signature header (t=<unix>,v1=<hex of HMAC("<t>.<body>")>). Store it now: it is not shown again.' })
  secret!: string;
}

@ObjectType({ description: 'One delivery of a webhook (an evaluation with changes): its attempts and outcome.', simpleResolvers: true })
export class WebhookDelivery {
  @Field(() => ID, { description: 'The delivery ID (also sent as x-audience-delivery).' })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'The evaluation it reports.' })
  asOf!: Date;

  @Field({ description: 'pending, delivered or failed.' })
  status!: string;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt, if it got one.' })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was delivered or given up.' })
  finishedAt!: Date | null;
}
