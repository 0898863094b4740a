/**
 * Calendar days in a time zone (IANA names, through Intl): the seller's day decides when a quote
 * stops being valid and on which days reminders may go out. Pure: instants are ISO strings.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at `ms`, read as if it were UTC (ms since the epoch). */
function wallClock(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    format(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function localDate(instant: string, timeZone: string): string {
  return new Date(wallClock(Date.parse(instant), timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant (ISO) at which `date` reaches `hour`:00 in `timeZone`. Across a daylight-saving gap
 * (a wall time that does not exist) it answers the first instant after it.
 */
export function zonedTime(date: string, timeZone: string, hour = 0): string {
  const wanted = Date.parse(`${date}T00:00:00.000Z`) + hour * 3_600_000;
  let guess = wanted - (wallClock(wanted, timeZone) - wanted);
  // A second pass settles guesses made on the wrong side of an offset change.
  guess = wanted - (wallClock(guess, timeZone) - guess);
  return new Date(guess).toISOString();
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Saturday or Sunday (the date is a calendar day, whatever the zone). */
export function isWeekend(date: string): boolean {
  const day = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** A valid IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    format(name);
    return true;
  } catch {
    return false;
  }
}
