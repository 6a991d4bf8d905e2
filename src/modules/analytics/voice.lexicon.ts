// A small sentiment lexicon for what members write in groups (shopping, courses, events, service): words
// that say a member is pleased or not, with the negations and the fillers that change or carry no meaning.
// Hand-kept on purpose: it is the vocabulary of community chat (好喝, 发货慢, 割韭菜), not of news or reviews,
// and an operator can read it. Words are matched as jieba cuts them. 坑 alone is left out: lessons about
// 踩坑 (pitfalls to avoid) are no complaint; 坑人 and 被坑 are. 问题 alone is a question (有问题可以直接提), not a fault.

export const POSITIVE = new Set([
  '好', '很好', '不错', '棒', '赞', '点赞', '喜欢', '爱', '满意', '感谢', '谢谢', '多谢', '感恩', '推荐', '值得', '划算', '实惠', '便宜', '优惠',
  '好吃', '好喝', '好用', '好看', '好玩', '香', '舒服', '开心', '高兴', '快乐', '幸福', '期待', '支持', '厉害', '优秀', '完美', '惊喜', '专业',
  '耐心', '贴心', '热情', '及时', '靠谱', '放心', '信任', '收获', '受益', '学到', '有用', '干货', '精彩', '成功', '顺利', '加油', '牛', '太棒了',
  '给力', '良心', '正品', '新鲜', '回购', '复购', '好评', '五星', '喜欢上', '感动', '温暖', '欢迎', '恭喜', '祝贺', '哈哈', '哈哈哈',
]);

export const NEGATIVE = new Set([
  '差', '很差', '垃圾', '骗', '骗子', '骗人', '坑人', '被坑', '割韭菜', '韭菜', '失望', '后悔', '生气', '愤怒', '讨厌', '烦', '难用', '难吃', '难喝',
  '贵', '太贵', '不值', '退款', '退货', '投诉', '举报', '维权', '欺骗', '虚假', '假货', '山寨', '质量问题', '出问题', '故障', '坏', '坏了', '破',
  '慢', '太慢', '发货慢', '不发货', '没收到', '漏发', '错发', '少发', '过期', '变质', '发霉', '异味', '敷衍', '态度差', '不理', '没人理', '拉黑',
  '广告', '刷屏', '诈骗', '传销', '恶心', '无语', '郁闷', '糟糕', '崩溃', '失败', '亏', '亏本', '不满', '不满意', '差评', '一星', '退群',
]);

/** A negation flips the next sentiment word within two words (不好, 没有 满意). */
export const NEGATORS = new Set(['不', '没', '没有', '别', '不要', '不是', '未', '无', '毫无', '并不', '从不']);

/** Tokens that say nothing about a topic: never keywords. */
export const STOP_WORDS = new Set([
  '的', '了', '是', '我', '你', '他', '她', '它', '我们', '你们', '他们', '这', '那', '这个', '那个', '就', '都', '也', '还', '又', '在', '有', '和', '与',
  '吗', '呢', '吧', '啊', '呀', '哦', '嗯', '哈', '哈哈', '哈哈哈', '么', '什么', '怎么', '一下', '一个', '没有', '可以', '大家', '今天', '明天', '现在',
  '知道', '觉得', '已经', '还是', '就是', '但是', '因为', '所以', '如果', '然后', '自己', '谢谢', '好的', '收到', '群里', '图片', '表情',
]);

/** +1 pleased, −1 not, 0 neither, for the words of one message. */
export function sentimentOf(words: string[]): -1 | 0 | 1 {
  let score = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const sign = POSITIVE.has(w) ? 1 : NEGATIVE.has(w) ? -1 : 0;
    if (!sign) continue;
    const negated = NEGATORS.has(words[i - 1] ?? '') || NEGATORS.has(words[i - 2] ?? '');
    score += negated ? -sign : sign;
  }
  return score > 0 ? 1 : score < 0 ? -1 : 0;
}
