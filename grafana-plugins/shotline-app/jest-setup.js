// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas; @grafana/ui measures text widths (Combobox) with a 2D context.
HTMLCanvasElement.prototype.getContext = function () {
  return { font: '', measureText: (text) => ({ width: String(text).length * 8 }) };
};

// jsdom has no layout observers; @grafana/ui's menus (Combobox) observe scrolling and size.
class NoLayoutObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver ?? NoLayoutObserver;
global.ResizeObserver = global.ResizeObserver ?? NoLayoutObserver;

// jsdom lays nothing out (every box is 0×0), so virtualised lists (Combobox
// menus, @tanstack/react-virtual) would render no option at all: give every
// element a box.
Element.prototype.getBoundingClientRect = function () {
  return { width: 120, height: 120, top: 0, left: 0, bottom: 120, right: 120, x: 0, y: 0, toJSON: () => ({}) };
};
for (const dimension of ['offsetWidth', 'offsetHeight', 'clientWidth', 'clientHeight']) {
  Object.defineProperty(HTMLElement.prototype, dimension, { configurable: true, get: () => 120 });
}

// Async options (debounced, fetched) can take more than the default second to
// show on a busy CI machine: wait for them longer. These are ceilings, not
// timings: a test passes as soon as what it waits for appears.
import { configure } from '@testing-library/react';
configure({ asyncUtilTimeout: 10000 });
