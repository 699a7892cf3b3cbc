export { cronProblem, nextCronRun } from './cron';
export { JobQueue } from './job-queue';
export { JobRunner, retryDelays, type JobLogger, type JobRunnerOptions } from './job-runner';
export { JobSchedules, type ScheduleRecord, type ScheduleSpec } from './job-schedules';
export {
  FINISHED_STATES, JOB_STATES, JobAborted, JobFailure,
  type AbortReason, type JobContext, type JobHandler, type JobOutcome, type JobRecord, type JobSpec, type JobState,
} from './job.types';
