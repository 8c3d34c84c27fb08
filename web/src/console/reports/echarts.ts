// The ECharts pieces the dashboard draws with (tree-shaken: line and bar charts, grid, tooltip, legend, SVG).
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init as initChart, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

export function init(element: HTMLElement) {
  return initChart(element, undefined, { renderer: 'svg' });
}
