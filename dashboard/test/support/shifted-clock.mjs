/**
 * Test-only preload (`node --import`): shifts the process clock by UPSHOT_TEST_CLOCK_OFFSET_DAYS
 * and moves it one day forward on SIGUSR2, so a browser test can give an experiment several
 * days of exposure-day cohorts in a minute. Only Date moves; timers run in real time.
 */
const DAY_MS = 86_400_000;
const RealDate = Date;
let offset = Number(process.env.UPSHOT_TEST_CLOCK_OFFSET_DAYS ?? 0) * DAY_MS;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offset;
  }
}

globalThis.Date = ShiftedDate;
process.on('SIGUSR2', () => {
  offset += DAY_MS;
});
