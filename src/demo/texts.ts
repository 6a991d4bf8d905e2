// What people say in the demo groups. Templates with a few slots give enough variety that the
// message stream reads like a real tea, course or meetup group rather than lorem ipsum.
import type { Rand } from './prng.ts';
import { meetupPlaces, pptFeatures, pptScenes, teaNames, teaTopics, teaWare } from './vocab.ts';

export type Theme = 'tea' | 'course' | 'meetup';
type Template = (r: Rand, city: string) => string;

const short = ['收到', '谢谢分享🙏', '+1', '求链接', '[强][强][强]', '哈哈哈哈同意', '学到了', '好的👌', '已报名', '晚安～'];

const member: Record<Theme, Template[]> = {
  tea: [
    (r) => `今天泡的${r.pick(teaNames)}，${r.pick(['回甘很明显', '汤色透亮', '香气高扬', '有点苦涩', '兰花香好明显', '入口顺滑', '耐泡度不错', '喝完整个人都静下来了'])}`,
    (r) => `请教各位，${r.pick(teaNames)}用多少度的水冲泡比较合适？`,
    (_r, city) => `${city}有没有一起喝茶的茶友？周末约起～`,
    () => '刚收到新茶，包装很用心👍',
    (r) => `有人试过用${r.pick(teaWare)}泡${r.pick(teaNames)}吗？`,
    (r) => `早安☀️ 一杯${r.pick(teaNames)}开启新的一天`,
    (r) => `昨晚茶话会讲的${r.pick(teaTopics)}太有收获了`,
    (r) => `会员价什么时候开始？想囤点${r.pick(teaNames)}`,
    (r) => `${r.pick(teaNames)}和${r.pick(teaNames)}哪个更适合新手？`,
    (r) => `晒一下我的茶席：${r.pick(teaWare)}配${r.pick(teaNames)}🍵`,
  ],
  course: [
    (r) => `第${r.int(1, 21)}课的作业交了，求老师点评🙏`,
    (r) => `${r.pick(pptFeatures)}怎么做？做了半天还是不对`,
    (r) => `今天用学的${r.pick(pptFeatures)}给老板做了汇报，被表扬了😄`,
    (r) => `有没有${r.pick(pptScenes)}的模板推荐？`,
    (r) => `打卡Day${r.int(1, 60)}：${r.pick(pptFeatures)}练习完成`,
    (r) => `分享一个${r.pick(pptFeatures)}的小技巧：先选中再按住Shift，对齐快很多`,
    (r) => `${r.pick(pptScenes)}改了第${r.int(2, 9)}版，终于过了`,
    () => '老师的直播回放在哪里看？',
  ],
  meetup: [
    (r, city) => `这周六${city}同城会在${r.pick(meetupPlaces)}，有人一起吗？`,
    () => '上次活动的照片发群里啦📷',
    (r) => `我带一款${r.pick(teaNames)}给大家尝尝`,
    (r) => `${r.pick(meetupPlaces)}停车方便吗？`,
    () => '报名+1，带一位朋友可以吗？',
    () => '下次能不能办个亲子茶会？',
  ],
};

export function memberMessage(r: Rand, theme: Theme, city: string): string {
  if (r.chance(0.25)) return r.pick(short);
  return r.pick(member[theme])(r, city);
}

/** Official notices (OGC), posted by the operators on Mondays and Fridays. */
export function officialNotice(r: Rand, theme: Theme, city: string, week: number): string {
  switch (theme) {
    case 'tea':
      return r.pick([
        `【本周预告】周三晚8点茶话会：${r.pick(teaTopics)}，欢迎大家准时参加～`,
        `【周末福利】会员专享${r.pick(teaNames)}9折，限本周末`,
        '【群公告】请大家把群昵称改为“城市-姓名”，方便彼此认识，谢谢配合',
      ]);
    case 'course':
      return r.pick([`【作业提醒】第${(week % 21) + 1}课作业本周日24:00截止`, `【直播预告】周四晚8点：${r.pick(pptFeatures)}实战`, '【群规】本群仅讨论课程相关内容，广告一律移出']);
    case 'meetup':
      return `【活动报名】${city}同城会第${week + 1}期品茶会本周六下午2点，地点：${r.pick(meetupPlaces)}`;
  }
}

/** Guest talks (PGC) during the weekly sharing session. */
export function guestTalk(r: Rand, theme: Theme): { speaker: string; text: string } {
  if (theme === 'course') {
    const topic = r.pick(pptFeatures);
    return { speaker: r.pick(['讲师周老师', '讲师林老师', '助教小叶']), text: r.pick([`今天聊聊${topic}，先看一个反面案例`, `${topic}的核心只有一句话：少即是多`, `作业里最常见的问题是${topic}没做统一`]) };
  }
  const topic = r.pick(teaTopics);
  return { speaker: r.pick(['茶艺师林老师', '评茶员陈老师', '制茶师傅老余']), text: r.pick([`大家好，今晚聊聊${topic}`, `${topic}最容易踩的坑有三个`, `关于${topic}，大家有问题可以直接提`]) };
}
