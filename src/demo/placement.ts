// Where each member goes: exactly the course's seats go to paying students (spread evenly over the
// six months), everyone else and a few students join their city's tea group, and some tea friends
// also join their city meetup. The first member of a group opens it.
import type { Stay } from './activities.ts';
import type { Placement } from './groups.ts';
import type { Lifecycle, Stage } from './member-rows.ts';
import type { Person } from './people.ts';
import type { Communities } from './plan.ts';
import { Rand } from './prng.ts';
import type { Structure } from './structure.ts';
import { DAY, HOUR, MINUTE } from './timeline.ts';

export interface Placed {
  stays: Stay[];
  life: Lifecycle;
  /** Paid for the course before joining its QQ group. */
  boughtCourse: boolean;
  /** Opened a city meetup, so is a 分化者 in the tea groups. */
  splitter: boolean;
}

/** Lifecycle steps for someone who is not a paying course student: older members got further. */
function lifecycle(p: Person, r: Rand, now: number): Lifecycle {
  const days = (now - p.joinedAt) / DAY;
  const history: Lifecycle['history'] = [{ stage: 'acquired', at: p.joinedAt }];
  const step = (stage: Stage, share: [number, number]) => {
    const last = history[history.length - 1]!.at;
    history.push({ stage, at: Math.round(last + (now - last) * r.between(share[0], share[1])) });
  };
  if (r.chance(1 - Math.exp(-days / 15))) {
    step('nurtured', [0.02, 0.25]);
    if (r.chance(0.45 * Math.min(1.5, 0.5 + p.engagement) * (1 - Math.exp(-days / 40)))) {
      step('activated', [0.1, 0.6]);
      if (r.chance(0.55 * (1 - Math.exp(-days / 50)))) step('monetized', [0.05, 0.5]);
    }
  }
  return finish(history);
}

function finish(history: Lifecycle['history']): Lifecycle {
  const at = (s: Stage) => history.find((h) => h.stage === s)?.at ?? null;
  return { stage: history[history.length - 1]!.stage, history, activatedAt: at('activated'), monetizedAt: at('monetized') };
}

export class Placer {
  private courseLeft: number;
  private readonly select: Rand;
  readonly leaders: { tea: string | null; course: string | null; meetup: string | null } = { tea: null, course: null, meetup: null };

  constructor(
    private readonly structure: Structure,
    private readonly communities: Communities,
    private readonly members: number,
    private readonly now: number,
    seed: number,
  ) {
    this.courseLeft = structure.courseSeats;
    this.select = Rand.of(seed, 2);
  }

  place(p: Person, r: Rand): Placed {
    const now = this.now;
    const stays: Stay[] = [];
    const stay = (pl: Placement, t: number): Stay => {
      // Nobody joins a group before it exists or after now; whoever was placed leaves some time before now.
      const joinedAt = Math.min(Math.max(Math.round(t), pl.group.createdAt + r.int(1, 30) * MINUTE), now - MINUTE);
      const leftAt = pl.leaver ? Math.min(now, joinedAt + Math.max(MINUTE, Math.round((now - joinedAt) * r.between(0.1, 0.9)))) : null;
      const s: Stay = { group: pl.group, slot: pl.slot, joinedAt, leftAt, number: null };
      stays.push(s);
      return s;
    };

    // Selection sampling: exactly courseSeats members, spread evenly over time, buy the course.
    const inCourse = this.courseLeft > 0 && this.select.next() * (this.members - p.index) < this.courseLeft;
    let life: Lifecycle;
    if (inCourse) {
      this.courseLeft--;
      const qqJoin = Math.min(p.joinedAt + Math.round(r.between(10 * MINUTE, 3 * DAY)), now - 2 * MINUTE);
      const qq = stay(this.structure.qq.place(qqJoin, p.id)!, qqJoin);
      const core = this.structure.core.place(qq.joinedAt, p.id);
      if (core && stay(core, qq.joinedAt + r.between(HOUR, 14 * DAY)).slot === 0) this.leaders.course = p.id;
      // They paid just before being let into the QQ group.
      const paid = qq.joinedAt - 5 * MINUTE;
      const span = paid - p.joinedAt;
      life = finish([
        { stage: 'acquired', at: p.joinedAt }, { stage: 'nurtured', at: Math.round(p.joinedAt + span * 0.3) },
        { stage: 'activated', at: Math.round(p.joinedAt + span * 0.6) }, { stage: 'monetized', at: paid },
      ]);
    } else life = lifecycle(p, r, now);

    let splitter = false;
    if (!inCourse || r.chance(0.08)) {
      const t = inCourse ? r.between(p.joinedAt, now) : p.joinedAt + r.int(0, 120) * MINUTE;
      const tea = stay(this.structure.teaSeries(p.city).place(t, p.id), t);
      if (!this.leaders.tea && p.circle === 'leader') this.leaders.tea = p.id;
      const meetup = this.structure.meetupSeries(p.city);
      const from = Math.max(tea.joinedAt, this.communities.meetup.createdAt + DAY);
      if (meetup && tea.leftAt === null && from < now - HOUR && r.chance(0.12)) {
        const t2 = r.between(from, now - HOUR);
        if (stay(meetup.place(t2, p.id), t2).slot === 0) {
          splitter = true;
          this.leaders.meetup ??= p.id;
        }
      }
    }
    return { stays, life, boughtCourse: inCourse, splitter };
  }
}
