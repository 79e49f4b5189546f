"""`python -m service.wechat.fake --host 127.0.0.1 --port 9900`"""

from service.wechat.fake.server import main

main()
