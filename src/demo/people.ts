// One demo person: a Chinese name, where they live, what they do, how they found the brand, and
// their platform accounts. Everything is a function of (seed, index), so an id, phone or QQ number
// can be recomputed for any index without keeping millions of them in memory.
import { seededIds } from '../kernel/clock.ts';
import { Rand, mix, mulberry32, permute } from './prng.ts';
import type { Timeline } from './timeline.ts';
import {
  circles, cityTable, emailDomains, givenChars, latinStems, nicknamePhrases, occupations, phonePrefixes, referralChannels, skills,
  sourceChannels, surnames, type City,
} from './vocab.ts';

export type Gender = 'male' | 'female' | 'other';
export type Circle = 'leader' | 'kin' | 'media' | 'public' | 'business';

export interface Person {
  index: number;
  id: string;
  displayName: string;
  gender: Gender | null;
  birthYear: number | null;
  city: City;
  occupation: string | null;
  skills: string[];
  phone: string;
  circle: Circle;
  sourceChannel: string;
  referrerIndex: number | null;
  consent: { dataUse: boolean; marketing: boolean; directory: boolean };
  /** First contact with the brand (members.joined_at). */
  joinedAt: number;
  /** Relative activity, mean about 1; silent members are near 0. */
  engagement: number;
}

const STREAM = { memberId: 1, phone: 2, qq: 3, wxid: 4, wecom: 5 } as const;

export class People {
  constructor(
    private readonly seed: number,
    /** Salted with the workspace slug so two demo workspaces in one database never share a primary key. */
    private readonly idSeed: number,
    private readonly count: number,
    private readonly tl: Timeline,
  ) {}

  /**
   * mem_ + the index in base 36 + a seeded random tail: unique, reproducible, and in join order, so
   * the million-row indexes keyed by member id (postings, activities by member) are filled at their end
   * instead of at random pages.
   */
  idAt(i: number): string {
    return `mem_${i.toString(36).padStart(6, '0')}${seededIds(mulberry32(mix(this.idSeed, STREAM.memberId, i))).next('mem').slice(-10)}`;
  }

  make(i: number, r: Rand): Person {
    const g = r.next();
    const gender: Gender | null = g < 0.54 ? 'female' : g < 0.97 ? 'male' : g < 0.975 ? 'other' : null;
    const circle = r.weighted(circles);
    const sourceChannel = r.weighted(sourceChannels);
    let referrerIndex: number | null = null;
    if (i > 0 && referralChannels.has(sourceChannel)) {
      // Half come through early evangelists (a few hubs refer many), half through a recent friend.
      referrerIndex = r.chance(0.5) ? Math.floor(i * r.next() ** 3) : i - 1 - Math.floor(Math.min(i - 1, 2000) * r.next());
    }
    const silent = r.chance(0.25);
    const circleBoost = { leader: 3, kin: 1.2, media: 2, public: 1, business: 1.2 }[circle];
    return {
      index: i,
      id: this.idAt(i),
      displayName: this.name(r, gender),
      gender,
      birthYear: r.chance(0.9) ? Math.round(Math.min(2008, Math.max(1955, r.normal(1990, 9)))) : null,
      city: r.weighted(cityTable),
      occupation: r.chance(0.85) ? r.weighted(occupations) : null,
      skills: r.some(skills, r.int(0, 3)),
      phone: r.weighted(phonePrefixes) + String(permute(i, mix(this.seed, STREAM.phone))).padStart(8, '0'),
      circle,
      sourceChannel,
      referrerIndex,
      consent: { dataUse: true, marketing: r.chance(0.6), directory: r.chance(0.3) },
      joinedAt: this.tl.joinAt((i + r.next()) / this.count),
      engagement: silent ? 0.08 : circleBoost * Math.exp(r.normal(-0.3, 0.8)),
    };
  }

  private name(r: Rand, gender: Gender | null): string {
    const pool = gender === 'male' ? givenChars.male : gender === 'female' ? givenChars.female : givenChars.either;
    const first = r.chance(0.15) ? r.pick(givenChars.either) : r.pick(pool);
    return r.weighted(surnames) + (r.chance(0.3) ? first : first + r.pick(pool));
  }

  /** 9-digit QQ numbers, unique per index. */
  qqAt(i: number, r: Rand): string {
    return String(r.int(1, 9) * 100_000_000 + permute(i, mix(this.seed, STREAM.qq)));
  }

  /** wxid_ + 14 characters; the last six encode the index so no two members share one. */
  wxidAt(i: number, r: Rand): string {
    return `wxid_${r.alnum(8)}${permute(i, mix(this.seed, STREAM.wxid)).toString(36).padStart(6, '0')}`;
  }

  wecomAt(i: number, r: Rand): string {
    return `wm${r.alnum(20)}${permute(i, mix(this.seed, STREAM.wecom)).toString(36).padStart(6, '0')}`;
  }

  /** A WeChat or QQ nickname: a phrase, a diminutive of the name, or a Latin handle. */
  nickname(r: Rand, p: Person): string {
    const given = Array.from(p.displayName).slice(-1)[0]!;
    const surname = Array.from(p.displayName)[0]!;
    switch (r.int(0, 4)) {
      case 0:
      case 1:
        return r.pick(nicknamePhrases);
      case 2:
        return r.pick([`小${surname}`, `${surname}${surname === given ? '' : given}`, `阿${given}`, `${given}${given}`, `${surname}老师`]);
      case 3:
        return `${r.pick(latinStems)}${r.chance(0.5) ? `_${p.city.name}` : r.int(1, 99)}`;
      default:
        return `${p.displayName}${r.pick(['', '🍵', '-' + p.city.name, '(' + (p.occupation ?? '新人') + ')'])}`;
    }
  }

  email(r: Rand, qq: string | null): string {
    if (qq && r.chance(0.6)) return `${qq}@qq.com`;
    const domain = r.weighted(emailDomains);
    return `${r.pick(latinStems)}${r.int(1960, 2010) % 100}${r.alnum(2)}@${domain}`;
  }
}
