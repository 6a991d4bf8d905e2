// The product's vocabulary (DESIGN.md, "Enums"): code value → zh-CN and English labels.
// Every enum in schemas, the API and the UI comes from here.

function vocab<const T extends Record<string, readonly [string, string]>>(entries: T) {
  const values = Object.keys(entries) as (keyof T & string)[];
  return { values: values as [keyof T & string, ...(keyof T & string)[]], labels: entries };
}

export const communityPurpose = vocab({
  sales: ['销售', 'Sales'], brand: ['品牌', 'Brand'], influence: ['影响力', 'Influence'], service: ['服务', 'Service'],
  learning: ['学习', 'Learning'], interest: ['兴趣', 'Interest'], networking: ['人际交往', 'Networking'],
});
export const interestBasis = vocab({
  product: ['产品', 'Product'], behaviour: ['行为', 'Behaviour'], tag: ['标签', 'Tag'], space: ['空间', 'Space'],
  emotion: ['情感', 'Emotion'], values: ['三观', 'Values'],
});
export const memberValueType = vocab({
  knowledge: ['知识', 'Knowledge'], connections: ['人脉', 'Connections'], discounts: ['优惠', 'Discounts'],
  service: ['服务', 'Service'], status: ['身份', 'Status'], fun: ['乐趣', 'Fun'], other: ['其他', 'Other'],
});
export const builderValueType = vocab({
  sales: ['销售', 'Sales'], brand: ['品牌', 'Brand'], leads: ['线索', 'Leads'], feedback: ['反馈', 'Feedback'],
  talent: ['人才', 'Talent'], other: ['其他', 'Other'],
});
export const groupKind = vocab({
  core: ['核心群', 'Core'], member: ['学员/会员群', 'Member'], service: ['服务群', 'Service'], product: ['产品群', 'Product'],
  city: ['同城群', 'City'], hobby: ['兴趣群', 'Hobby'], consumer: ['消费者群', 'Consumer'], occupation: ['职业群', 'Occupation'],
  management: ['企业管理群', 'Management'], other: ['其他', 'Other'],
});
export const platform = vocab({
  builtin: ['自建社区', 'Built-in'], wechat: ['微信', 'WeChat'], wecom: ['企业微信', 'WeCom'], qq: ['QQ', 'QQ'],
  telegram: ['Telegram', 'Telegram'], discord: ['Discord', 'Discord'], whatsapp: ['WhatsApp', 'WhatsApp'],
  slack: ['Slack', 'Slack'], feishu: ['飞书', 'Feishu'], other: ['其他', 'Other'],
});
export const groupFunction = vocab({ acquire: ['引流', 'Acquire'], retain: ['留存', 'Retain'], serve: ['服务', 'Serve'] });
export const groupStructure = vocab({ pyramid: ['金字塔', 'Pyramid'], ring: ['环形', 'Ring'] });
export const groupStatus = vocab({ active: ['活跃', 'Active'], quiet: ['沉寂', 'Quiet'], archived: ['已归档', 'Archived'] });
export const membershipRole = vocab({
  creator: ['创建者', 'Creator'], manager: ['管理者', 'Manager'], participant: ['参与者', 'Participant'],
  pioneer: ['开拓者', 'Pioneer'], splitter: ['分化者', 'Splitter'], partner: ['合作者', 'Partner'], payer: ['付费者', 'Payer'],
});
export const memberCircle = vocab({
  leader: ['新势力', 'Opinion leaders'], kin: ['亲友', 'Family & friends'], media: ['传播', 'Media'],
  public: ['大众', 'Public'], business: ['商业', 'Business'],
});
export const lifecycleStage = vocab({
  acquired: ['吸粉', 'Acquired'], nurtured: ['养粉', 'Nurtured'], activated: ['促粉', 'Activated'], monetized: ['变现', 'Monetized'],
});
export const operatorRole = vocab({
  owner: ['所有者', 'Owner'], admin: ['管理员', 'Admin'], operator: ['运营', 'Operator'], planner: ['策划', 'Planner'],
  promoter: ['推广(BD)', 'Promoter (BD)'], designer: ['设计', 'Designer'], content: ['内容', 'Content'],
  supervisor: ['督导', 'Supervisor'], analyst: ['分析', 'Analyst'], service: ['客服', 'Service'],
});
export const monetizationModel = vocab({
  product: ['产品式', 'Product'], ecommerce: ['电商式', 'E-commerce'], membership: ['会员式', 'Membership'], traffic: ['流量式', 'Traffic'],
});
export const phasePurpose = vocab({ sales: ['销售', 'Sales'], voice: ['声量', 'Voice'], pr: ['公关', 'PR'] });
export const contentSource = vocab({ OGC: ['官方', 'Official'], PGC: ['专家/嘉宾', 'Experts'], UGC: ['成员', 'Members'] });
export const gender = vocab({ male: ['男', 'Male'], female: ['女', 'Female'], other: ['其他', 'Other'] });
export const lifecycleBasis = vocab({ community: ['社群自身生命周期', 'Community life'], product: ['产品周期', 'Product cycle'] });
export const activityKind = vocab({
  message: ['消息', 'Message'], join: ['入群', 'Join'], leave: ['退群', 'Leave'], reaction: ['互动', 'Reaction'],
  checkin: ['签到', 'Check-in'], click: ['点击', 'Click'], consultation: ['咨询', 'Consultation'], purchase: ['购买', 'Purchase'],
  attendance: ['参加活动', 'Attendance'], service: ['系统事件', 'Service event'], other: ['其他', 'Other'],
});
