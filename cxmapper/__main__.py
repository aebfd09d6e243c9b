import sys

from cxmapper.exchange.xlsx_child import FLAG

if sys.argv[1:2] == [FLAG]:
    # A desktop build has no Python to run ``-m cxmapper.exchange.xlsx_child``: the importer
    # starts this executable with FLAG to read a workbook in a separate, limited process.
    from cxmapper.exchange.xlsx_child import main as read_workbook

    sys.exit(read_workbook(sys.argv[2:]))

from cxmapper.cli import main  # (not loaded by the workbook reader above)

sys.exit(main())
