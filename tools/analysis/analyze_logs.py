"""Plot curves of, or time, training runs from their mmengine logs (vis_data/scalars.json).

    python tools/analysis/analyze_logs.py plot_curve LOG [LOG ...] [--keys loss acc/top1] \
        [--legend A B] [--out curves.png]
    python tools/analysis/analyze_logs.py cal_train_time LOG [LOG ...]

A LOG is a ``scalars.json`` file, a run folder ``<work_dir>/<timestamp>/`` or a work dir (its
latest run). Training keys (``loss``, ``lr``, ...) are plotted over iterations, validation keys
(``acc/top1``, ...) over epochs.
"""
import argparse

from mmskel.visualization.curves import load_run_log, plot_curves, train_time


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Analyse mmengine training logs')
    commands = parser.add_subparsers(dest='command', required=True)
    plot = commands.add_parser('plot_curve', help='plot logged keys of one or several runs')
    plot.add_argument('logs', nargs='+', help='scalars.json files, run folders or work dirs')
    plot.add_argument('--keys', nargs='+', default=['loss'],
                      help='logged keys, e.g. loss lr acc/top1 (default: loss)')
    plot.add_argument('--legend', nargs='+', help='one name per log')
    plot.add_argument('--title', help='figure title')
    plot.add_argument('--out', default='curves.png', help='PNG to write')
    timing = commands.add_parser('cal_train_time', help='time per iteration of each run')
    timing.add_argument('logs', nargs='+', help='scalars.json files, run folders or work dirs')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        logs = [load_run_log(path) for path in args.logs]
        if args.command == 'plot_curve':
            plotted = plot_curves(logs, args.keys, args.out, args.legend, args.title)
            for key, runs in plotted.items():
                for name, values in runs.items():
                    print(f'{name}: {key}: {len(values)} points, first {values[0]:.4g}, '
                          f'last {values[-1]:.4g}')
            print(f'wrote {args.out}')
        else:
            for log in logs:
                stats = train_time(log)
                print(f'-----Analyze train time of {log.path}-----')
                print(f"slowest epoch {stats['slowest_epoch']}, average time is "
                      f"{stats['slowest_time']:.4f} s/iter")
                print(f"fastest epoch {stats['fastest_epoch']}, average time is "
                      f"{stats['fastest_time']:.4f} s/iter")
                print(f"time std over epochs is {stats['std']:.4f}")
                print(f"average iter time: {stats['average']:.4f} s/iter")
                if stats['data_time'] is not None:  # waiting for the data loader
                    print(f"average data time: {stats['data_time']:.4f} s/iter "
                          f"({100 * stats['data_time'] / stats['average']:.1f}% of the iter "
                          'time)')
    except (FileNotFoundError, KeyError, ValueError) as e:
        raise SystemExit(str(e).strip('"'))


if __name__ == '__main__':
    main()
