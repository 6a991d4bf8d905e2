// Who a bot token belongs to, asked of the Bot API (getMe). A token Telegram refuses, or a Bot API that
// cannot be reached, is an error on the `token` field in the platform's own words.
import { Api, GrammyError, HttpError } from 'grammy';
import { invalid } from '../../kernel/errors.ts';

export async function telegramAccount(apiRoot: string, token: string): Promise<{ accountId: string; handle: string | null; name: string }> {
  if (!/^\d+:[\w-]{20,}$/.test(token)) throw invalid([{ field: 'token', reason: 'a bot token looks like 123456789:AAE… (from @BotFather)' }]);
  const api = new Api(token, { apiRoot, timeoutSeconds: 15 });
  try {
    const me = await api.getMe();
    if (!me.is_bot) throw invalid([{ field: 'token', reason: 'the token does not belong to a bot' }]);
    return { accountId: String(me.id), handle: me.username ?? null, name: me.first_name };
  } catch (e) {
    if (e instanceof GrammyError) throw invalid([{ field: 'token', reason: `Telegram refused the token: ${e.error_code} ${e.description}` }]);
    if (e instanceof HttpError) throw invalid([{ field: 'token', reason: `could not reach the Telegram Bot API at ${apiRoot}: ${(e.error as Error)?.message ?? e.message}` }]);
    throw e;
  }
}
