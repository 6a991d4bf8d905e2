// Word lists for realistic Chinese members. Weights are rough shares from public statistics
// (surname frequencies, 2020 census city populations); they only need to look right in a demo.
import { WeightedTable } from './prng.ts';

/** Per cent of the population, most common surnames first. */
export const surnames = new WeightedTable<string>([
  ['王', 7.1], ['李', 7.0], ['张', 6.7], ['刘', 5.4], ['陈', 4.5], ['杨', 3.1], ['赵', 2.3], ['黄', 2.2], ['周', 1.8], ['吴', 1.8],
  ['徐', 1.3], ['孙', 1.2], ['胡', 1.2], ['朱', 1.1], ['高', 1.1], ['林', 1.0], ['何', 1.0], ['郭', 1.0], ['马', 0.9], ['罗', 0.9],
  ['梁', 0.8], ['宋', 0.8], ['郑', 0.8], ['谢', 0.7], ['韩', 0.7], ['唐', 0.7], ['冯', 0.6], ['于', 0.6], ['董', 0.6], ['萧', 0.1],
  ['程', 0.5], ['曹', 0.5], ['袁', 0.5], ['邓', 0.5], ['许', 0.5], ['傅', 0.4], ['沈', 0.4], ['曾', 0.4], ['彭', 0.4], ['吕', 0.4],
  ['苏', 0.4], ['卢', 0.4], ['蒋', 0.4], ['蔡', 0.4], ['贾', 0.3], ['丁', 0.3], ['魏', 0.3], ['薛', 0.3], ['叶', 0.3], ['阎', 0.3],
  ['余', 0.3], ['潘', 0.3], ['杜', 0.3], ['戴', 0.3], ['夏', 0.3], ['钟', 0.3], ['汪', 0.3], ['田', 0.3], ['任', 0.3], ['姜', 0.3],
  ['范', 0.3], ['方', 0.3], ['石', 0.3], ['姚', 0.3], ['谭', 0.3], ['廖', 0.3], ['邹', 0.3], ['熊', 0.2], ['金', 0.2], ['陆', 0.2],
  ['郝', 0.2], ['孔', 0.2], ['白', 0.2], ['崔', 0.2], ['康', 0.2], ['毛', 0.2], ['邱', 0.2], ['秦', 0.2], ['江', 0.2], ['史', 0.2],
  ['顾', 0.2], ['侯', 0.2], ['邵', 0.2], ['孟', 0.2], ['龙', 0.2], ['万', 0.2], ['段', 0.2], ['雷', 0.2], ['钱', 0.2], ['汤', 0.2],
  ['尹', 0.1], ['黎', 0.1], ['易', 0.1], ['常', 0.1], ['武', 0.1], ['乔', 0.1], ['贺', 0.1], ['赖', 0.1], ['龚', 0.1], ['文', 0.1],
  ['欧阳', 0.05], ['司马', 0.01], ['上官', 0.01], ['诸葛', 0.01], ['东方', 0.01],
]);

export const givenChars = {
  male: [...'伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文斌博晨轩睿皓然泽宏毅峰昊天远航铭哲瑞安楠诚'],
  female: [...'芳娜敏静丽艳娟霞秀燕玲丹萍红梅琳雪婷颖倩洁琪晶妍欣怡佳悦雯璐瑶蕾薇月诗梦雨涵馨婉慧蓉菲萱彤晓清岚思语可'],
  either: [...'子一嘉心若晨安宁文佳俊雨思'],
};

export interface City {
  name: string;
  /** Two letters for member-number prefixes (SH01-023). */
  code: string;
  /** Millions of residents (2020 census, city proper). */
  population: number;
}

export const cities: City[] = [
  { name: '重庆', code: 'CQ', population: 32.1 }, { name: '上海', code: 'SH', population: 24.9 }, { name: '北京', code: 'BJ', population: 21.9 },
  { name: '成都', code: 'CD', population: 20.9 }, { name: '广州', code: 'GZ', population: 18.7 }, { name: '深圳', code: 'SZ', population: 17.6 },
  { name: '天津', code: 'TJ', population: 13.9 }, { name: '西安', code: 'XA', population: 13.0 }, { name: '苏州', code: 'SU', population: 12.7 },
  { name: '郑州', code: 'ZZ', population: 12.6 }, { name: '武汉', code: 'WH', population: 12.3 }, { name: '杭州', code: 'HZ', population: 11.9 },
  { name: '石家庄', code: 'SJ', population: 11.2 }, { name: '东莞', code: 'DG', population: 10.5 }, { name: '青岛', code: 'QD', population: 10.1 },
  { name: '长沙', code: 'CS', population: 10.0 }, { name: '哈尔滨', code: 'HB', population: 10.0 }, { name: '佛山', code: 'FS', population: 9.5 },
  { name: '宁波', code: 'NB', population: 9.4 }, { name: '合肥', code: 'HF', population: 9.4 }, { name: '南京', code: 'NJ', population: 9.3 },
  { name: '济南', code: 'JN', population: 9.2 }, { name: '沈阳', code: 'SY', population: 9.1 }, { name: '长春', code: 'CC', population: 9.1 },
  { name: '南宁', code: 'NN', population: 8.7 }, { name: '昆明', code: 'KM', population: 8.5 }, { name: '福州', code: 'FZ', population: 8.3 },
  { name: '无锡', code: 'WX', population: 7.5 }, { name: '大连', code: 'DL', population: 7.5 }, { name: '南昌', code: 'NC', population: 6.3 },
  { name: '贵阳', code: 'GY', population: 6.0 }, { name: '太原', code: 'TY', population: 5.3 }, { name: '厦门', code: 'XM', population: 5.2 },
];
export const cityTable = new WeightedTable(cities.map((c) => [c, c.population] as const));

export const occupations = new WeightedTable<string>([
  ['白领', 10], ['产品经理', 5], ['程序员', 7], ['设计师', 5], ['教师', 6], ['销售', 6], ['会计', 4], ['市场专员', 4], ['新媒体运营', 5],
  ['人力资源', 3], ['医生', 2], ['护士', 2], ['律师', 1], ['公务员', 3], ['自由职业', 4], ['大学生', 6], ['创业者', 3], ['行政', 3],
  ['财务', 3], ['咨询顾问', 2], ['摄影师', 1], ['茶艺师', 1], ['工程师', 4], ['记者', 1], ['店主', 2], ['全职妈妈', 3], ['退休', 2],
]);

export const skills = ['PPT', 'Excel', '摄影', '茶艺', '写作', '视频剪辑', '插画', '演讲', '数据分析', '英语', '烘焙', '书法', '瑜伽', '跑步', '吉他', '短视频', '直播', '活动策划', '文案', '主持'];

export const sourceChannels = new WeightedTable<string>([
  ['朋友推荐', 22], ['公众号', 16], ['小红书', 12], ['抖音', 11], ['视频号', 7], ['微博', 4], ['线下门店', 9], ['线下活动', 5], ['直播间', 6],
  ['B站', 3], ['知乎', 2], ['淘宝店', 3], ['社群裂变', 8],
]);
export const referralChannels = new Set(['朋友推荐', '社群裂变']);

export const circles = new WeightedTable<'leader' | 'kin' | 'media' | 'public' | 'business'>([
  ['leader', 3], ['kin', 10], ['media', 5], ['public', 75], ['business', 7],
]);

/** Mainland mobile prefixes, weighted roughly by carrier share (China Mobile, Unicom, Telecom). */
export const phonePrefixes = new WeightedTable<string>([
  ['138', 6], ['139', 6], ['137', 5], ['136', 5], ['135', 5], ['134', 3], ['150', 4], ['151', 4], ['152', 3], ['157', 2], ['158', 4], ['159', 4],
  ['182', 3], ['183', 3], ['187', 3], ['188', 3], ['198', 2], ['130', 3], ['131', 3], ['132', 3], ['155', 2], ['156', 2], ['185', 3], ['186', 4],
  ['166', 1], ['176', 2], ['133', 2], ['153', 2], ['180', 2], ['181', 2], ['189', 3], ['177', 1], ['199', 1],
]);

export const emailDomains = new WeightedTable<string>([
  ['qq.com', 40], ['163.com', 22], ['126.com', 8], ['foxmail.com', 6], ['sina.com', 4], ['gmail.com', 6], ['outlook.com', 6], ['139.com', 3],
]);
export const latinStems = ['sunny', 'lucky', 'amy', 'leo', 'jack', 'coco', 'momo', 'kiki', 'tony', 'vivian', 'grace', 'kevin', 'lily', 'eric', 'emma', 'david', 'alice', 'tea', 'ppt', 'yoyo', 'jason', 'cherry', 'daisy', 'frank'];

/** WeChat / QQ nickname styles: a phrase, a diminutive of the name, or a Latin handle. */
export const nicknamePhrases = [
  '茶香四溢', '清风徐来', '岁月静好', '浅笑安然', '奔跑的蜗牛', '一叶知秋', '半盏清茶', '山水有相逢', '向阳而生', '慢慢来',
  '人间值得', '静水流深', '追风少年', '星河滚烫', '知足常乐', '云淡风轻', '不忘初心', '小确幸', '柠檬不萌', '大橘为重',
  '爱喝茶的猫', 'PPT小白', '做图狂魔', '加班不加班', '早睡早起', '今天也要加油', '一杯敬明天', '拾光', '木子', '南风知我意',
];

export const teaNames = ['明前龙井', '碧螺春', '大红袍', '正山小种', '凤凰单丛', '白毫银针', '老白茶', '普洱熟茶', '普洱生茶', '六堡茶', '铁观音', '金骏眉', '安吉白茶', '黄山毛峰', '滇红', '茉莉花茶', '肉桂', '水仙'];
export const teaWare = ['盖碗', '紫砂壶', '玻璃杯', '飘逸杯', '公道杯', '铁壶', '建盏'];
export const teaTopics = ['白茶的存放', '岩茶的焙火', '普洱的转化', '绿茶的保鲜', '茶席布置', '冷泡茶', '如何分辨新茶陈茶', '茶与节气', '盖碗的握法', '单丛的香型'];
export const pptFeatures = ['平滑切换', '母版', '图表动画', '渐变填充', '布尔运算', '文字云', '图片裁剪', '时间轴', '组织结构图', '对齐与分布', '图标统一', '配色方案'];
export const pptScenes = ['年终总结', '述职报告', '产品发布', '毕业答辩', '融资路演', '工作汇报', '竞聘演讲', '课程课件'];
export const meetupPlaces = ['静安寺附近的茶空间', '园区里的茶馆', '老城区的四合院茶舍', '江边茶室', '创意园咖啡茶铺', '公园草坪', '品牌门店二楼'];

export const teaProducts: [string, number][] = [
  ['明前龙井 125g', 26800], ['武夷大红袍 礼盒', 39800], ['福鼎白茶饼 357g', 19800], ['云南普洱熟茶饼', 29800], ['正山小种 100g', 16800],
  ['会员年卡', 9900], ['茶样尝鲜装', 3900], ['旅行茶具套装', 59900], ['中秋茶礼盒', 49900], ['凤凰单丛 鸭屎香', 22800],
];
export const courseProducts: [string, number][] = [
  ['PPT高手训练营', 19900], ['Excel效率课', 9900], ['年度学习会员', 39900], ['商务模板包', 2900], ['一对一作业精修', 59900],
];

export const teaTagPool = ['老茶客', '新手', '绿茶控', '岩茶爱好者', '普洱收藏', '白茶党', '茶具控', '宝妈', '职场人', '摄影达人', '团长', '志愿者'];
export const courseTagPool = ['职场新人', '设计小白', '汇报达人', '考研党', '讲师', '教师', '自学党', '转行'];
