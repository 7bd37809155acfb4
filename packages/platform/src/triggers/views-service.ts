import { type ModalReply, type OpenView, type SubmittedModalView, SwitchboardError, type View, type ViewState } from '@switchboard/protocol';
import type { Clock } from '../clock.js';
import { newId } from '../store/ids.js';
import type { TriggerViewsTable } from '../store/schema.js';
import { interactiveElements } from './interactive-elements.js';
import type { PersonNotices } from './person-notices.js';
import type { ViewsStore } from './views-store.js';

/** Views pushed over a root, at most (Slack's limit too: deeper stacks lose people). */
export const MAX_PUSHED_VIEWS = 2;

/** Who a modal reply is for, and the view it came from (a submit or a click inside a view). */
export interface ViewContext {
  appId: string;
  workspaceId: string;
  userId: string;
  channelId?: string;
  contextViewId?: string;
}

/**
 * People's open views (PROTOCOL.md 6.3 modal replies): OPEN starts a stack, PUSH adds a view on
 * top of the one the trigger came from, UPDATE replaces a view in place. Views live in the
 * database so any node can take the person's submit; every change reaches the person as a
 * `view.*` realtime frame as well as in the answer to their request.
 */
export class ViewsService {
  constructor(
    private readonly store: ViewsStore,
    private readonly notices: PersonNotices,
    private readonly clock: Clock,
  ) {}

  /** Applies an app's modal reply; a reply naming a view it may not touch is the app's mistake (`invalid_reply`). */
  async apply(context: ViewContext, reply: ModalReply): Promise<OpenView> {
    if (reply.view.type !== 'MODAL') throw new InvalidModal('Only MODAL views can be opened.');
    const now = this.clock.now();
    const { id: _id, state, parentViewId: _parent, ...view } = reply.view;
    if (reply.action === 'UPDATE') {
      const targetId = reply.view.id ?? context.contextViewId;
      const row = targetId ? await this.store.findOpen(context.userId, targetId) : undefined;
      if (!row || row.app_id !== context.appId) throw new InvalidModal('UPDATE names no open view of this app for this person.');
      const patch = {
        view: JSON.stringify(view),
        callback_id: view.callbackId ?? null,
        errors: null,
        updated_at: now,
        ...(state ? { state: JSON.stringify(state) } : {}),
      };
      await this.store.update(row.id, patch);
      return this.announce({ ...row, ...patch }, 'view.updated');
    }
    let parent: TriggerViewsTable | undefined;
    if (reply.action === 'PUSH') {
      const parentId = context.contextViewId ?? reply.view.parentViewId;
      parent = parentId ? await this.store.findOpen(context.userId, parentId) : undefined;
      if (!parent || parent.app_id !== context.appId) throw new InvalidModal('PUSH needs an open view of this app to push over.');
      const stack = await this.store.openInStack(parent.root_id);
      if (stack.length > MAX_PUSHED_VIEWS) throw new InvalidModal(`At most ${MAX_PUSHED_VIEWS} views can be pushed over a modal.`);
    }
    const id = newId(now);
    const row: TriggerViewsTable = {
      id,
      app_id: context.appId,
      workspace_id: context.workspaceId,
      user_id: context.userId,
      channel_id: parent?.channel_id ?? context.channelId ?? null,
      root_id: parent?.root_id ?? id,
      parent_id: parent?.id ?? null,
      callback_id: view.callbackId ?? null,
      view: JSON.stringify(view),
      state: JSON.stringify(state ?? { values: {} }),
      errors: null,
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    await this.store.insert(row);
    return this.announce(row, 'view.opened');
  }

  /** The person's open view, or 404 (closed, unknown, or someone else's: indistinguishable on purpose). */
  async openOf(userId: string, viewId: string): Promise<TriggerViewsTable> {
    const row = await this.store.findOpen(userId, viewId);
    if (!row) throw new SwitchboardError('not_found', 'No such open view.');
    return row;
  }

  /** Saves the person's input after checking it only names input elements the view has. */
  async saveState(row: TriggerViewsTable, state: ViewState): Promise<TriggerViewsTable> {
    const known = new Map<string, Set<string>>();
    for (const element of interactiveElements(blocksOf(row))) {
      if (element.blockId === undefined) continue;
      known.set(element.blockId, (known.get(element.blockId) ?? new Set()).add(element.onAction));
    }
    for (const [blockId, byAction] of Object.entries(state.values)) {
      for (const onAction of Object.keys(byAction)) {
        if (!known.get(blockId)?.has(onAction)) {
          throw new SwitchboardError('validation_failed', `The view has no element ${onAction} in block ${blockId}.`, { blockId, onAction });
        }
      }
    }
    const patch = { state: JSON.stringify(state), updated_at: this.clock.now() };
    await this.store.update(row.id, patch);
    return { ...row, ...patch };
  }

  /** A refused submit: the view stays open with a message per block. */
  async setErrors(row: TriggerViewsTable, errors: Record<string, string>): Promise<OpenView> {
    const patch = { errors: JSON.stringify(errors), updated_at: this.clock.now() };
    await this.store.update(row.id, patch);
    return this.announce({ ...row, ...patch }, 'view.updated');
  }

  /** Closes the view and every view pushed above it; returns the ids closed. */
  async close(row: TriggerViewsTable): Promise<string[]> {
    const stack = await this.store.openInStack(row.root_id);
    const closing = new Set([row.id]);
    // Walk up from each view: pushed views come after their parent, so one ordered pass suffices.
    for (const view of stack.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (view.parent_id && closing.has(view.parent_id)) closing.add(view.id);
    }
    const ids = [...closing];
    await this.store.close(ids, this.clock.now());
    this.notices.push(row.workspace_id, row.user_id, 'view.closed', { viewIds: ids });
    return ids;
  }

  /** The view as VIEW_ACTION and BLOCK_INTERACTION payloads carry it. */
  payloadView(row: TriggerViewsTable): SubmittedModalView {
    return { ...(JSON.parse(row.view) as View), id: row.id, type: 'MODAL', state: JSON.parse(row.state) as ViewState };
  }

  toOpenView(row: TriggerViewsTable): OpenView {
    return {
      id: row.id,
      appId: row.app_id,
      rootId: row.root_id,
      parentId: row.parent_id,
      channelId: row.channel_id,
      view: this.payloadView(row),
      ...(row.errors ? { errors: JSON.parse(row.errors) as Record<string, string> } : {}),
    };
  }

  private announce(row: TriggerViewsTable, type: 'view.opened' | 'view.updated'): OpenView {
    const open = this.toOpenView(row);
    this.notices.push(row.workspace_id, row.user_id, type, { view: open });
    return open;
  }
}

/** The blocks of a stored view. */
export function blocksOf(row: TriggerViewsTable): unknown[] {
  return (JSON.parse(row.view) as View).blocks;
}

/** An app's modal reply that cannot be applied: reported to the person as `invalid_reply`, never a 5xx. */
export class InvalidModal extends Error {}
