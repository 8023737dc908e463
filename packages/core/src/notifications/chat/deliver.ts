import type { ChatKind } from '@overcast/contracts';
import type { OutboundRules } from '../../outbound';
import { postJson } from '../deliver';
import { CHAT_FORMATS } from './formats';
import type { ChatMessage, ChatTarget } from './message';

/** Posts the message in the platform's own format; fails with one sentence, like webhooks. */
export async function deliverChat(
  kind: ChatKind,
  target: ChatTarget,
  message: ChatMessage,
  rules: OutboundRules,
): Promise<void> {
  const { name, format } = CHAT_FORMATS[kind];
  const request = format(message, target);
  await postJson(
    request.url,
    JSON.stringify(request.body),
    { 'user-agent': 'Overcast', ...request.headers },
    rules,
    `the ${name} message could not be delivered: ${name} must accept it with a 2xx answer within 10 s`,
  );
}
