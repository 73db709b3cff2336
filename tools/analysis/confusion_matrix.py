"""Plot the confusion matrix of a tools/test.py result file and print the most confused pairs.

    python tools/analysis/confusion_matrix.py result.pkl [--out cm.png] [--normalize] [--top 10]
"""
import argparse

from mmskel.evaluation import confusion_matrix
from mmskel.evaluation.fusion import ResultFileError, load_result
from mmskel.visualization.confusion import most_confused, plot_confusion_matrix


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Confusion matrix of a tools/test.py result')
    parser.add_argument('result', help='result file written by tools/test.py --out')
    parser.add_argument('--out', default='confusion_matrix.png', help='PNG to write')
    parser.add_argument('--normalize', action='store_true',
                        help='show each row as fractions of its true class')
    parser.add_argument('--top', type=int, default=10,
                        help='how many confused (true, predicted) pairs to print')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        result = load_result(args.result)
    except ResultFileError as e:
        raise SystemExit(str(e))
    num_classes = result.scores.shape[1]
    pred = result.scores.argmax(1)
    matrix = confusion_matrix(pred, result.labels, num_classes)
    names = result.classes or [str(i) for i in range(num_classes)]
    plot_confusion_matrix(matrix, args.out, result.classes, args.normalize,
                          title=f'{len(pred)} samples, top-1 {(pred == result.labels).mean():.3f}')
    print(f'{len(pred)} samples, {num_classes} classes, top-1 '
          f'{(pred == result.labels).mean():.4f} -> {args.out}')
    pairs = most_confused(matrix, args.top)
    if not pairs:
        print('no confused pairs: every sample is predicted as its true class')
        return
    print('most confused pairs (true -> predicted: count / samples of the true class):')
    totals = matrix.sum(1)
    for true, predicted, count in pairs:
        print(f'  {names[true]} -> {names[predicted]}: {count} / {totals[true]}')


if __name__ == '__main__':
    main()
