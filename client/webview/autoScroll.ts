/**
 * Follows a streaming answer to the bottom until the user scrolls up, and follows again once they scroll
 * back to the bottom. A wheel, key or touch scroll upwards stops following at once, before the next
 * frame's render could pull the view back down.
 */
const nearEndPx = 40;

export class AutoScroll {
  private following = true;

  constructor(
    private readonly container: HTMLElement,
    private readonly onFollowChange: (following: boolean) => void,
  ) {
    container.addEventListener('scroll', () => this.setFollowing(this.atEnd()), { passive: true });
    container.addEventListener('wheel', (event) => {
      if (event.deltaY < 0) {
        this.setFollowing(false);
      }
    }, { passive: true });
    container.addEventListener('keydown', (event) => {
      if (['ArrowUp', 'PageUp', 'Home'].includes(event.key)) {
        this.setFollowing(false);
      }
    });
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** Call after content changed: keeps the end in view while following. */
  contentChanged(): void {
    if (this.following) {
      this.container.scrollTop = this.container.scrollHeight;
    }
  }

  /** Jumps to the end and follows again (the "scroll to bottom" button, a new prompt). */
  toEnd(): void {
    this.container.scrollTop = this.container.scrollHeight;
    this.setFollowing(true);
  }

  private atEnd(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.container;
    return scrollHeight - scrollTop - clientHeight < nearEndPx;
  }

  private setFollowing(following: boolean): void {
    if (following !== this.following) {
      this.following = following;
      this.onFollowChange(following);
    }
  }
}
