import type { Sql } from './sql';

export interface WebhookRecord {
  readonly id: string;
  readonly segmentId: string;
  readonly url: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface DeliveryRecord {
  readonly id: number;
  readonly webhookId: string;
  readonly segmentId: string;
  readonly asOf: Date;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

const WEBHOOK_COLUMNS = `id, segment_id as "segmentId", url, created_by as "createdBy", created_at as "createdAt"`;
const DELIVERY_COLUMNS = `id, webhook_id as "webhookId", segment_id as "segmentId", as_of as "asOf", status, attempts, last_status_code as "lastStatusCode",
  last_error as "lastError", created_at as "createdAt", finished_at as "finishedAt"`;

const date = (v: unknown): Date => new Date(v as string | Date);

function toWebhook(row: Record<string, unknown>): WebhookRecord {
  return { ...(row as unknown as WebhookRecord), createdAt: date(row.createdAt) };
}

function toDelivery(row: Record<string, unknown>): DeliveryRecord {
  return {
    ...(row as unknown as DeliveryRecord),
    id: Number(row.id),
    attempts: Number(row.attempts),
    lastStatusCode: row.lastStatusCode === null ? null : Number(row.lastStatusCode),
    asOf: date(row.asOf),
    createdAt: date(row.createdAt),
    finishedAt: row.finishedAt === null ? null : date(row.finishedAt),
  };
}

/** Segment webhooks and their delivery log, scoped to one namespace. */
export class WebhookRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  async create(id: string, segmentId: string, url: string, secret: string, createdBy: string): Promise<WebhookRecord> {
    const row = await this.sql.one(
      `insert into segment_webhook (namespace_id, id, segment_id, url, secret, created_by) values ($1, $2, $3, $4, $5, $6) returning ${WEBHOOK_COLUMNS}`,
      [this.namespaceId, id, segmentId, url, secret, createdBy],
    );
    return toWebhook(row!);
  }

  async get(id: string): Promise<(WebhookRecord & { secret: string }) | undefined> {
    const row = await this.sql.one(`select ${WEBHOOK_COLUMNS}, secret from segment_webhook where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
    return row ? { ...toWebhook(row), secret: row.secret as string } : undefined;
  }

  async ofSegment(segmentId: string): Promise<WebhookRecord[]> {
    const rows = await this.sql.rows(`select ${WEBHOOK_COLUMNS} from segment_webhook where namespace_id = $1 and segment_id = $2 order by created_at, id`, [this.namespaceId, segmentId]);
    return rows.map(toWebhook);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql.execute(`delete from segment_webhook where namespace_id = $1 and id = $2`, [this.namespaceId, id])) > 0;
  }

  /** One pending delivery per webhook of the segment, for the evaluation at `asOf` (one statement); their ids. */
  async queueDeliveries(segmentId: string, asOf: Date): Promise<number[]> {
    const rows = await this.sql.rows<{ id: string | number }>(
      `insert into segment_webhook_delivery (namespace_id, webhook_id, segment_id, as_of)
       select w.namespace_id, w.id, w.segment_id, $3::timestamptz from segment_webhook w where w.namespace_id = $1 and w.segment_id = $2
       returning id`,
      [this.namespaceId, segmentId, asOf],
    );
    return rows.map((r) => Number(r.id));
  }

  async delivery(id: number): Promise<DeliveryRecord | undefined> {
    const row = await this.sql.one(`select ${DELIVERY_COLUMNS} from segment_webhook_delivery where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
    return row ? toDelivery(row) : undefined;
  }

  async deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.sql.rows(
      `select ${DELIVERY_COLUMNS} from segment_webhook_delivery where namespace_id = $1 and webhook_id = $2 order by id desc limit $3`,
      [this.namespaceId, webhookId, limit],
    );
    return rows.map(toDelivery);
  }

  /** Records one attempt: its HTTP status (or error), and the outcome once there is one. */
  async recordAttempt(id: number, statusCode: number | null, error: string | null, outcome: 'pending' | 'delivered' | 'failed'): Promise<void> {
    await this.sql.execute(
      `update segment_webhook_delivery set attempts = attempts + 1, last_status_code = $3, last_error = $4, status = $5,
         finished_at = case when $5 = 'pending' then null else now() end
       where namespace_id = $1 and id = $2`,
      [this.namespaceId, id, statusCode, error, outcome],
    );
  }

  /** The changes an evaluation found, at most `limit` of each side, in profile-id order. */
  async changesAt(segmentId: string, asOf: Date, limit: number): Promise<{ entered: number[]; left: number[]; enteredCount: number; leftCount: number }> {
    const row = await this.sql.one<{ entered: unknown[]; left: unknown[]; entered_count: string | number; left_count: string | number }>(
      `select array(select c.profile_id from segment_membership_change c where c.namespace_id = $1 and c.segment_id = $2 and c.as_of = $3::timestamptz and c.entered order by c.profile_id limit $4) as entered,
         array(select c.profile_id from segment_membership_change c where c.namespace_id = $1 and c.segment_id = $2 and c.as_of = $3::timestamptz and not c.entered order by c.profile_id limit $4) as left,
         (select e.entered_count from segment_evaluation e where e.namespace_id = $1 and e.segment_id = $2 and e.as_of = $3::timestamptz) as entered_count,
         (select e.left_count from segment_evaluation e where e.namespace_id = $1 and e.segment_id = $2 and e.as_of = $3::timestamptz) as left_count`,
      [this.namespaceId, segmentId, asOf, limit],
    );
    return { entered: (row?.entered ?? []).map(Number), left: (row?.left ?? []).map(Number), enteredCount: Number(row?.entered_count ?? 0), leftCount: Number(row?.left_count ?? 0) };
  }
}
