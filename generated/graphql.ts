export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** The outcome of resetWorkflow. */
export type CleanupSummary = {
  __typename?: 'CleanupSummary';
  cleared: ClearedItems;
  message: Scalars['String']['output'];
  /** Null when the reset did not happen. */
  newState?: Maybe<WorkflowState>;
  /** False when there was nothing to reset; then nothing was touched. */
  success: Scalars['Boolean']['output'];
  threadId: Scalars['ID']['output'];
};

/** What a reset removed. */
export type ClearedItems = {
  __typename?: 'ClearedItems';
  /** Lower-case domains whose queue lost at least one task id. */
  queues: Array<Scalars['String']['output']>;
  /** Task results removed. */
  results: Scalars['Int']['output'];
  /** Task records removed, whatever their status. */
  tasks: Scalars['Int']['output'];
};

export type EnqueueTaskInput = {
  /** The payload handed to the agent, stored as JSON. */
  data: Scalars['JSON']['input'];
  domain: TaskDomain;
  threadId: Scalars['ID']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Queue a task for a domain's agents and add it to the workflow's index. */
  enqueueTask: Task;
  /** Clean up a stuck workflow in one atomic step: cancel and remove its tasks, their queue entries and results, move it to `resetToGate` in phase PENDING, and append an audit entry. */
  resetWorkflow: CleanupSummary;
  /** Move a PENDING, STOPPED, BLOCKED or FAILED workflow to RUNNING. */
  runWorkflow: Workflow;
  /** Create a workflow at gate 0, phase PENDING. */
  startWorkflow: Workflow;
  /** Move a workflow to STOPPED; its tasks stay, so runWorkflow resumes it. */
  stopWorkflow: Workflow;
};


export type MutationEnqueueTaskArgs = {
  input: EnqueueTaskInput;
};


export type MutationResetWorkflowArgs = {
  input: ResetWorkflowInput;
};


export type MutationRunWorkflowArgs = {
  threadId: Scalars['ID']['input'];
};


export type MutationStartWorkflowArgs = {
  input?: InputMaybe<StartWorkflowInput>;
};


export type MutationStopWorkflowArgs = {
  threadId: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to fetch the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** How many task ids wait in each domain queue. */
  queues: Array<QueueLength>;
  /** One workflow, or null when no record exists. */
  workflow?: Maybe<Workflow>;
  /** Workflows in creation order, a page at a time. */
  workflows: WorkflowConnection;
};


export type QueryWorkflowArgs = {
  threadId: Scalars['ID']['input'];
};


export type QueryWorkflowsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  phase?: InputMaybe<WorkflowPhase>;
};

/** How many task ids wait in one domain queue. */
export type QueueLength = {
  __typename?: 'QueueLength';
  domain: TaskDomain;
  length: Scalars['Int']['output'];
};

/** What to clean up when resetting a stuck workflow. */
export type ResetWorkflowInput = {
  /** Delete the results the workflow's tasks submitted. */
  clearResults?: Scalars['Boolean']['input'];
  /** Delete the workflow's tasks and take their ids off every domain queue. */
  clearTasks?: Scalars['Boolean']['input'];
  /** Why: recorded in the audit stream. */
  reason: Scalars['String']['input'];
  /** The gate the workflow restarts from (0..MAX_GATE). */
  resetToGate?: Scalars['Int']['input'];
  threadId: Scalars['ID']['input'];
};

/** Roles in increasing power: ADMIN includes OPERATOR, which includes VIEWER. */
export type Role =
  | 'ADMIN'
  | 'OPERATOR'
  | 'VIEWER';

export type StartWorkflowInput = {
  /** The thread id to use; a UUID is generated when omitted. */
  threadId?: InputMaybe<Scalars['ID']['input']>;
};

/** A unit of work of a workflow, queued for one agent domain. */
export type Task = {
  __typename?: 'Task';
  /** The agent working on it. */
  agent?: Maybe<Scalars['String']['output']>;
  /** The task payload as the orchestrator wrote it. */
  data?: Maybe<Scalars['JSON']['output']>;
  /** Null when the orchestrator did not record a queue. */
  domain?: Maybe<TaskDomain>;
  enqueuedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** The agent's last sign of life. */
  heartbeatAt?: Maybe<Scalars['DateTimeISO']['output']>;
  id: Scalars['ID']['output'];
  /** The TaskResult an agent submitted, if any. */
  result?: Maybe<Scalars['JSON']['output']>;
  startedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  status: TaskStatus;
};

/** The agent domain whose queue holds a task. */
export type TaskDomain =
  | 'BE'
  | 'FE'
  | 'PM'
  | 'QA'
  | 'SAFETY';

/** Where a task is in its life cycle. */
export type TaskStatus =
  | 'BLOCKED'
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'PENDING';

/** A multi-agent workflow run, identified by its thread id. */
export type Workflow = {
  __typename?: 'Workflow';
  createdAt: Scalars['DateTimeISO']['output'];
  /** The quality gate the workflow has reached. */
  gate: Scalars['Int']['output'];
  phase: WorkflowPhase;
  /** The workflow's indexed tasks, with their results. */
  tasks: Array<Task>;
  threadId: Scalars['ID']['output'];
  updatedAt: Scalars['DateTimeISO']['output'];
};

/** Workflows in creation order, oldest first. */
export type WorkflowConnection = {
  __typename?: 'WorkflowConnection';
  nodes: Array<Workflow>;
  pageInfo: PageInfo;
};

/** Where a workflow is in its life cycle. */
export type WorkflowPhase =
  | 'BLOCKED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'STOPPED';

/** Where a workflow stands after a reset. */
export type WorkflowState = {
  __typename?: 'WorkflowState';
  gate: Scalars['Int']['output'];
  phase: WorkflowPhase;
};
