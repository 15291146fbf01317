/**
 * SNS: the template's topics and the subscriptions it declares (`AWS::SNS::Subscription` and a
 * topic's inline `Subscription`). As on AWS, a subscription is pending until its endpoint confirms
 * it: e-mail addresses get the confirmation message in the local mailbox (`mailbox` view and
 * `<dataDir>/mailbox.jsonl`), HTTP(S) endpoints get SNS's `SubscriptionConfirmation` POST; the link
 * in either is this service's `ConfirmSubscription` URL. Confirmed e-mail subscriptions receive
 * each message in the mailbox, HTTP(S) ones SNS's notification envelope — POSTed to loopback
 * addresses only: the local cloud sends nothing off the machine, and says so. Its port also
 * answers `ListSubscriptionsByTopic`, where a subscription not yet confirmed is
 * `PendingConfirmation` (`query-api.ts`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { LoopbackService } from '../../loopback.js';
import type { ServiceDescription } from '../../service.js';
import type { MailboxMessage, MailboxView } from '../../views.js';
import { answerQuery, type ListedSubscription, sendXml, sendXmlError } from './query-api.js';

/** Who publishes, as a topic policy would see it (a service principal on behalf of a resource). */
export interface Publisher {
  /** `cloudwatch.amazonaws.com`. */
  readonly principal: string;
  /** `aws:SourceArn`: the alarm that publishes. */
  readonly sourceArn: string;
  /** `aws:SourceAccount`. */
  readonly sourceAccount: string;
}

export interface PublishRequest {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly publisher: Publisher;
}

export interface PublishResult {
  readonly messageId: string;
}

/** A publish SNS refuses (unknown topic); the caller reports it. */
export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SnsError';
  }
}

export type SubscriptionStatus = 'pending' | 'confirmed' | 'unsubscribed';

interface Topic {
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  readonly displayName?: string;
}

interface Subscription {
  readonly logicalId: string;
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly rawMessageDelivery: boolean;
}

export type { MailboxMessage };

/** One delivery attempt to a subscription. */
export interface Delivery {
  readonly time: string;
  readonly messageId: string;
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly type: MailboxMessage['type'];
  /** `delivered` (with the HTTP status for HTTP(S)), `failed`, or `skipped` with why. */
  readonly outcome: 'delivered' | 'failed' | 'skipped';
  readonly detail?: string;
}

export interface LocalSnsOptions {
  readonly ids: PhysicalIds;
  readonly port: number;
  /** `mailbox.jsonl` and `sns/subscriptions.json` go here; undefined keeps both in memory. */
  readonly dataDir?: string;
  readonly log: (line: string) => void;
}

/** Messages and deliveries the views keep, newest last. */
const RECENT = 500;
/** How long SNS waits for an HTTP(S) endpoint to answer. */
const HTTP_TIMEOUT_MS = 15_000;
const SENDER = 'no-reply@sns.amazonaws.com';

export class LocalSns extends LoopbackService {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions: Subscription[] = [];
  /** Per subscription ARN: its status and the token its confirmation link carries. */
  private readonly states = new Map<string, { status: SubscriptionStatus; token: string }>();
  private readonly mailbox: MailboxMessage[] = [];
  private readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: LocalSnsOptions) {
    super(options.port);
    for (const resource of resourcesOf(options.ids.source, 'AWS::SNS::Topic')) {
      const topic = this.topicOf(resource);
      this.topics.set(topic.arn, topic);
      const inline = (options.ids.resolve(resource, 'Subscription') ?? []) as Array<{
        Protocol: string;
        Endpoint: string;
      }>;
      inline.forEach((s, i) => {
        this.subscriptions.push({
          logicalId: `${resource.logicalId}.Subscription[${i}]`,
          arn: `${topic.arn}:${stableId(`${topic.arn}/${s.Protocol}/${s.Endpoint}`)}`,
          topicArn: topic.arn,
          protocol: String(s.Protocol).toLowerCase(),
          endpoint: String(s.Endpoint),
          rawMessageDelivery: false,
        });
      });
    }
    for (const resource of resourcesOf(options.ids.source, 'AWS::SNS::Subscription'))
      this.subscriptions.push(this.subscriptionOf(resource));
  }

  /** Whether the assembly declares any topic. */
  get hasTopics(): boolean {
    return this.topics.size > 0;
  }

  override async start(): Promise<void> {
    this.loadState();
    await super.start();
    for (const subscription of this.subscriptions) {
      if (this.status(subscription) !== 'pending') continue;
      // One confirmation e-mail per subscription, as SNS sends; an HTTP endpoint that may not have
      // been listening last time is asked again at each start.
      const known = this.states.has(subscription.arn);
      if (isEmail(subscription.protocol) && !known) this.sendConfirmation(subscription);
      else if (isHttp(subscription.protocol)) this.track(this.confirmHttp(subscription));
    }
    this.saveState();
  }

  override async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await super.stop();
  }

  describe(): ServiceDescription {
    return {
      name: 'SNS',
      resources: [
        ...[...this.topics.values()].map((topic) => ({
          logicalId: topic.logicalId,
          type: 'AWS::SNS::Topic',
          detail: `${topic.name}, ${this.subscriptions.filter((s) => s.topicArn === topic.arn).length} subscriptions`,
        })),
        ...this.subscriptions.map((s) => {
          const warning =
            this.cannotDeliver(s) ??
            (this.status(s) === 'pending'
              ? 'pending confirmation: follow the link SNS sent (the console’s mailbox view for e-mail)'
              : undefined);
          return {
            logicalId: s.logicalId,
            type: 'AWS::SNS::Subscription',
            detail: `${s.protocol} ${s.endpoint}: ${this.status(s)}`,
            ...(warning ? { warning } : {}),
          };
        }),
      ],
    };
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map<string, () => unknown>([
      ['mailbox', (): MailboxView => ({ messages: this.mailbox })],
      [
        'sns',
        () => ({
          topics: [...this.topics.values()],
          subscriptions: this.subscriptions.map((s) => ({ ...s, status: this.status(s) })),
          deliveries: this.deliveries,
        }),
      ],
    ]);
  }

  /** The mailbox: every message e-mail subscriptions received, oldest first. */
  messages(): readonly MailboxMessage[] {
    return this.mailbox;
  }

  /** Every delivery attempt (mailbox and HTTP), oldest first. */
  deliveryLog(): readonly Delivery[] {
    return this.deliveries;
  }

  /**
   * A topic's subscriptions as `ListSubscriptionsByTopic` lists them, in template order: pending
   * ones as `PendingConfirmation`, unsubscribed ones left out (SNS deletes them); undefined for a
   * topic the assembly does not declare.
   */
  listSubscriptions(topicArn: string): ListedSubscription[] | undefined {
    if (!this.topics.has(topicArn)) return undefined;
    return this.subscriptions
      .filter((s) => s.topicArn === topicArn && this.status(s) !== 'unsubscribed')
      .map((s) => ({
        topicArn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        subscriptionArn: this.status(s) === 'confirmed' ? s.arn : 'PendingConfirmation',
        owner: topicArn.split(':')[4] ?? '',
      }));
  }

  /** Resolves once every HTTP delivery started so far has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Publishes to a topic: every confirmed subscription gets the message (pending ones get nothing,
   * as on AWS). Throws {@link SnsError} for a topic the assembly does not declare.
   */
  publish(request: PublishRequest): PublishResult {
    const topic = this.topics.get(request.topicArn);
    if (!topic) throw new SnsError('NotFound', `Topic does not exist: ${request.topicArn}`);
    const messageId = randomUUID();
    const time = new Date().toISOString();
    const subject = request.subject ?? '';
    this.options.log(`[SNS] ${topic.name}: ${subject || '(no subject)'}`);
    for (const subscription of this.subscriptions) {
      if (subscription.topicArn !== topic.arn) continue;
      const status = this.status(subscription);
      if (status !== 'confirmed') {
        this.logDelivery(subscription, messageId, 'Notification', 'skipped', `subscription ${status}`);
        continue;
      }
      const unsubscribe = this.unsubscribeUrl(subscription);
      if (isEmail(subscription.protocol)) {
        this.deliverMail(subscription, {
          time,
          messageId,
          to: subscription.endpoint,
          from: SENDER,
          subject,
          type: 'Notification',
          topicArn: topic.arn,
          subscriptionArn: subscription.arn,
          message: request.message,
          link: unsubscribe,
        });
      } else if (isHttp(subscription.protocol)) {
        const envelope = {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topic.arn,
          ...(subject ? { Subject: subject } : {}),
          Message: request.message,
          Timestamp: time,
          UnsubscribeURL: unsubscribe,
        };
        const body = subscription.rawMessageDelivery ? request.message : JSON.stringify(envelope);
        this.track(this.post(subscription, messageId, 'Notification', body));
      } else {
        this.logDelivery(
          subscription,
          messageId,
          'Notification',
          'skipped',
          this.cannotDeliver(subscription),
        );
      }
    }
    return { messageId };
  }

  /** Why a subscription cannot receive anything locally, if it cannot. */
  private cannotDeliver(subscription: Subscription): string | undefined {
    if (isEmail(subscription.protocol)) return undefined;
    if (!isHttp(subscription.protocol))
      return `${subscription.protocol} subscriptions are not delivered by the local SNS`;
    if (!isLoopbackUrl(subscription.endpoint))
      return `not delivered locally: ${subscription.endpoint} is not a loopback address, and the local cloud sends nothing off this machine`;
    return undefined;
  }

  private status(subscription: Subscription): SubscriptionStatus {
    return this.states.get(subscription.arn)?.status ?? 'pending';
  }

  private token(subscription: Subscription): string {
    let state = this.states.get(subscription.arn);
    if (!state) {
      state = { status: 'pending', token: randomBytes(32).toString('hex') };
      this.states.set(subscription.arn, state);
    }
    return state.token;
  }

  private confirmUrl(subscription: Subscription): string {
    const query = new URLSearchParams({
      Action: 'ConfirmSubscription',
      TopicArn: subscription.topicArn,
      Token: this.token(subscription),
    });
    return `${this.server.url}/?${query}`;
  }

  private unsubscribeUrl(subscription: Subscription): string {
    return `${this.server.url}/?${new URLSearchParams({ Action: 'Unsubscribe', SubscriptionArn: subscription.arn })}`;
  }

  private sendConfirmation(subscription: Subscription): void {
    const topicArn = subscription.topicArn;
    const link = this.confirmUrl(subscription);
    this.deliverMail(subscription, {
      time: new Date().toISOString(),
      messageId: randomUUID(),
      to: subscription.endpoint,
      from: SENDER,
      subject: 'AWS Notification - Subscription Confirmation',
      type: 'SubscriptionConfirmation',
      topicArn,
      subscriptionArn: subscription.arn,
      message: `You have chosen to subscribe to the topic:\n${topicArn}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n${link}`,
      link,
    });
  }

  private async confirmHttp(subscription: Subscription): Promise<void> {
    const messageId = randomUUID();
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: messageId,
      Token: this.token(subscription),
      TopicArn: subscription.topicArn,
      Message: `You have chosen to subscribe to the topic ${subscription.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: this.confirmUrl(subscription),
      Timestamp: new Date().toISOString(),
    });
    await this.post(subscription, messageId, 'SubscriptionConfirmation', body);
  }

  private deliverMail(subscription: Subscription, message: MailboxMessage): void {
    this.mailbox.push(message);
    if (this.mailbox.length > RECENT) this.mailbox.shift();
    const dir = this.options.dataDir;
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, 'mailbox.jsonl'), `${JSON.stringify(message)}\n`);
    }
    this.options.log(`[SNS] mail to ${message.to}: ${message.subject}`);
    this.logDelivery(subscription, message.messageId, message.type, 'delivered', 'local mailbox');
  }

  /** POSTs one SNS message to an HTTP(S) subscription, if it is on this machine. */
  private async post(
    subscription: Subscription,
    messageId: string,
    type: MailboxMessage['type'],
    body: string,
  ): Promise<void> {
    const refused = this.cannotDeliver(subscription);
    if (refused) {
      this.logDelivery(subscription, messageId, type, 'skipped', refused);
      return;
    }
    try {
      const response = await fetch(subscription.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': type,
          'x-amz-sns-message-id': messageId,
          'x-amz-sns-topic-arn': subscription.topicArn,
          ...(type === 'Notification' ? { 'x-amz-sns-subscription-arn': subscription.arn } : {}),
          ...(subscription.rawMessageDelivery && type === 'Notification'
            ? { 'x-amz-sns-rawdelivery': 'true' }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      const ok = response.status >= 200 && response.status < 300;
      this.logDelivery(subscription, messageId, type, ok ? 'delivered' : 'failed', `HTTP ${response.status}`);
    } catch (err) {
      this.logDelivery(subscription, messageId, type, 'failed', (err as Error).message);
    }
  }

  private logDelivery(
    subscription: Subscription,
    messageId: string,
    type: MailboxMessage['type'],
    outcome: Delivery['outcome'],
    detail?: string,
  ): void {
    this.deliveries.push({
      time: new Date().toISOString(),
      messageId,
      subscriptionArn: subscription.arn,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
      type,
      outcome,
      ...(detail === undefined ? {} : { detail }),
    });
    if (this.deliveries.length > RECENT) this.deliveries.shift();
    if (outcome !== 'delivered')
      this.options.log(`[SNS] ${type} to ${subscription.endpoint} ${outcome}${detail ? `: ${detail}` : ''}`);
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  protected override internalError(res: ServerResponse, err: unknown): void {
    this.options.log(`[SNS] internal error: ${(err as Error).message}`);
    res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error.');
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // API calls are POSTs (the AWS SDK's query protocol); the links in messages are GETs.
    if (req.method === 'POST') await answerQuery(req, res, (topicArn) => this.listSubscriptions(topicArn));
    else this.answerLink(req, res);
  }

  /** `GET /?Action=ConfirmSubscription&TopicArn=…&Token=…` and `GET /?Action=Unsubscribe&SubscriptionArn=…`. */
  private answerLink(req: IncomingMessage, res: ServerResponse): ServerResponse {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const action = query.get('Action');
    if (req.method !== 'GET' || (action !== 'ConfirmSubscription' && action !== 'Unsubscribe'))
      return sendXmlError(
        res,
        400,
        'InvalidAction',
        'The local SNS answers ConfirmSubscription and Unsubscribe links (GET) and ListSubscriptionsByTopic (POST).',
      );
    if (action === 'Unsubscribe') {
      const subscription = this.subscriptions.find((s) => s.arn === query.get('SubscriptionArn'));
      if (!subscription) return sendXmlError(res, 404, 'NotFound', 'Subscription does not exist.');
      this.states.set(subscription.arn, { status: 'unsubscribed', token: this.token(subscription) });
      this.saveState();
      return sendXml(res, 'Unsubscribe', '');
    }
    const token = query.get('Token');
    const subscription = this.subscriptions.find(
      (s) => s.topicArn === query.get('TopicArn') && this.states.get(s.arn)?.token === token,
    );
    if (!subscription || token === null) return sendXmlError(res, 400, 'InvalidParameter', 'Invalid token.');
    this.states.set(subscription.arn, { status: 'confirmed', token });
    this.saveState();
    this.options.log(`[SNS] ${subscription.protocol} ${subscription.endpoint} confirmed its subscription`);
    return sendXml(res, 'ConfirmSubscription', `<SubscriptionArn>${subscription.arn}</SubscriptionArn>`);
  }

  private get stateFile(): string | undefined {
    return this.options.dataDir === undefined
      ? undefined
      : join(this.options.dataDir, 'sns', 'subscriptions.json');
  }

  /** Confirmations and tokens survive a restart; the mailbox is reloaded for the console. */
  private loadState(): void {
    const dir = this.options.dataDir;
    const file = this.stateFile;
    if (dir === undefined || file === undefined) return;
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<
        string,
        { status: SubscriptionStatus; token: string }
      >;
      for (const subscription of this.subscriptions) {
        const state = Object.hasOwn(saved, subscription.arn) ? saved[subscription.arn] : undefined;
        if (state) this.states.set(subscription.arn, state);
      }
    }
    const mailbox = join(dir, 'mailbox.jsonl');
    if (existsSync(mailbox))
      for (const line of readFileSync(mailbox, 'utf8').split('\n').filter(Boolean).slice(-RECENT))
        this.mailbox.push(JSON.parse(line) as MailboxMessage);
  }

  private saveState(): void {
    const file = this.stateFile;
    if (file === undefined) return;
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(Object.fromEntries(this.states), null, 2));
  }

  private topicOf(resource: AssemblyResource): Topic {
    const ids = this.options.ids;
    const arn = ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId;
    const displayName = ids.resolve(resource, 'DisplayName');
    return {
      logicalId: resource.logicalId,
      arn,
      name: arn.split(':').pop() ?? arn,
      ...(typeof displayName === 'string' ? { displayName } : {}),
    };
  }

  private subscriptionOf(resource: AssemblyResource): Subscription {
    const ids = this.options.ids;
    return {
      logicalId: resource.logicalId,
      arn: ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId,
      topicArn: String(ids.resolve(resource, 'TopicArn')),
      protocol: String(ids.resolve(resource, 'Protocol')).toLowerCase(),
      endpoint: String(ids.resolve(resource, 'Endpoint')),
      rawMessageDelivery: String(ids.resolve(resource, 'RawMessageDelivery')) === 'true',
    };
  }
}

const isEmail = (protocol: string) => protocol === 'email' || protocol === 'email-json';
const isHttp = (protocol: string) => protocol === 'http' || protocol === 'https';

/** Whether a URL points at this machine (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/** A subscription id like SNS's: a UUID derived from the subscription, stable across runs. */
export function stableId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
