import type { Command } from 'commander';
import type { ImportOpts } from '../run/import.ts';
import type { ChatImportOpts } from '../run/chat-import.ts';

/** The fields a column can map to (the unit test keeps this in step with the importer). */
export const IMPORT_FIELDS = [
  'displayName', 'gender', 'birthYear', 'city', 'occupation', 'skills', 'phone', 'email', 'tags', 'circle', 'stage', 'sourceChannel', 'joinedAt',
  'identity.wechat', 'identity.qq', 'identity.telegram', 'identity.wecom', 'identity.discord', 'identity.whatsapp', 'identity.slack', 'identity.feishu',
];

const run = async (file: string, opts: ImportOpts) => (await import('../run/import.ts')).runMemberImport(file, opts);
const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addImportOptions(cmd: Command): Command {
  return cmd
    .option('--map <COLUMN=field>', 'map a column to a field (repeatable or comma-separated; field "ignore" skips a column)', collect)
    .option('--partial', 'import the valid rows and report the others (default: any bad row imports nothing)')
    .option('--json', 'print the report as one JSON object on the last line of stdout (the human report goes to stderr)')
    .option('--sheet <name>', 'XLSX sheet to read (default: the first)')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .addHelpText(
      'after',
      `
Files: CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK as Chinese Excel saves it; comma-, tab- or
semicolon-separated) or XLSX. The first row is the header. Known headers (姓名, 手机, 微信号, city, …) map
themselves; map others with --map. Fields: ${IMPORT_FIELDS.join(', ')}.
Rows are matched to stored members by platform id, then phone, then e-mail, and update them; a re-import
adds nothing. Every bad row is reported as file:line with the reason. Without --partial one bad row
imports nothing (exit 2); the valid rows are written in one transaction.`,
    );
}

/** Chat-history formats: `shequn import <format> <file>` (the readers live in src/cli/run/chat-import.ts). */
const CHAT_IMPORTS = [
  {
    format: 'telegram',
    description: 'Import a Telegram Desktop JSON export (one chat, or the whole account): groups, members, messages and service events',
    help: `Every group chat becomes a group on platform telegram, every sender a member keyed by their Telegram id.
One-to-one, bot and saved-messages chats are counted and skipped.`,
  },
  {
    format: 'whatsapp',
    description: 'Import a WhatsApp "Export chat" .txt (Android or iOS, any date order and clock)',
    help: `The chat becomes a group on platform whatsapp; senders are keyed by phone number where the export shows
one, else by name. The day/month order is decided for the whole file. Messages have no ids in this format:
they are keyed by time, sender, text and the occurrence of that same triple.`,
  },
  {
    format: 'qq',
    description: 'Import a QQ 消息管理器 .txt export (GB18030/GBK, UTF-8 or UTF-16; one or several chats)',
    help: `Each 消息对象 becomes a group on platform qq; senders are keyed by QQ number (or e-mail). Messages have no ids
in this format: they are keyed by time, sender, text and the occurrence of that same triple.`,
  },
  {
    format: 'wechat',
    description: 'Import a WeChat chat CSV (留痕 / WeChatMsg: localId,TalkerId,Type,…,StrContent,…,Sender)',
    help: `Each talker becomes a chat: group chats (…@chatroom) become groups on platform wechat, one-to-one chats are
counted and skipped. Senders are keyed by wxid; mini-program cards are marked for the moderation rule.`,
  },
  {
    format: 'discord',
    description: 'Import a DiscordChatExporter export of a channel (JSON or CSV)',
    help: `The channel becomes a group on platform discord; authors are keyed by their Discord id (the CSV has no message
ids: its messages are keyed by time, author, text and occurrence).`,
  },
  {
    format: 'slack',
    description: "Import a Slack workspace export (the .zip Slack gives, or its unzipped folder; users.json may be missing)",
    help: `Channels, private channels and group DMs become groups on platform slack; DMs are counted and skipped. People are
keyed by Slack user id and named from users.json, else from what the messages carry.`,
  },
];

const CHAT_IMPORT_HELP = `Importing the same file again adds nothing; an interrupted import of the same file continues where it
stopped; a file that turns out broken (truncated, not the format, bad encoding) leaves nothing behind and
names the line or byte offset (exit 2). The report's last stdout line with --json:
{"format","groups","members","messages","service_events","skipped","added":{…}}`;

export function importCommands(program: Command) {
  const member = program.commands.find((c) => c.name() === 'member') ?? program.command('member').description('Member lists: `shequn member import <file>`');
  addImportOptions(member.command('import <file>').description('Import a member list (CSV or XLSX) with a column mapping; the same as `shequn import members`'))
    .action(run);

  const imp = program.command('import').description('Import data: `shequn import members <file>`, `shequn import telegram|whatsapp|qq|wechat|discord|slack <export>`');
  addImportOptions(imp.command('members <file>').description('Import a member list (CSV or XLSX) with a column mapping; the same as `shequn member import`'))
    .action(run);
  for (const f of CHAT_IMPORTS) {
    imp.command(`${f.format} <file>`)
      .description(f.description)
      .option('--json', 'print the report as one JSON object on the last line of stdout (the human report goes to stderr)')
      .option('--community <id>', 'the community the new groups go into (default: 导入的群 Imported groups)')
      .option('--timezone <zone>', `the zone of the export's local times (default: SHEQUN_TIMEZONE)`)
      .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
      .addHelpText('after', `\n${f.help}\n${CHAT_IMPORT_HELP}`)
      .action(async (file: string, opts: ChatImportOpts) => (await import('../run/chat-import.ts')).runChatImport(f.format, file, opts));
  }
}
