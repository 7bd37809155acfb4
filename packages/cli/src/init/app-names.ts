import { basename } from 'node:path';

/** The names an app gets from its folder: `my-bot` → package `my-bot`, manifest `my_bot`, shown as `My Bot`. */
export interface AppNames {
  packageName: string;
  appName: string;
  displayName: string;
}

/** @example appNames('/tmp/My Cool-Bot') // { packageName: 'my-cool-bot', appName: 'my_cool_bot', displayName: 'My Cool Bot' } */
export function appNames(dir: string, displayName?: string): AppNames {
  const words = basename(dir)
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  const safe = words.length > 0 ? words : ['my', 'app'];
  return {
    packageName: safe.join('-').toLowerCase().slice(0, 214),
    appName: safe.join('_').toLowerCase().slice(0, 64),
    displayName:
      displayName?.trim() ||
      safe
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join(' ')
        .slice(0, 80),
  };
}
